namespace OrleansChat.Persistence.Tests;

/// <summary>Changes whose targets the room checked already (<see cref="NewMessage.CheckedTarget"/>): stored and applied alike.</summary>
public abstract partial class MessageStoreConformanceTests
{
    [Fact]
    public async Task Changes_whose_targets_the_room_checked_leave_every_row_and_search_exactly_as_changes_the_store_checks()
    {
        var (read, trusted) = (NewChatId(), NewChatId());
        foreach (var chat in new[] { read, trusted })
        {
            await Append(chat, 0, Message("c1", content: "first draft"), Message("c2", senderId: "bob", content: "second text"), Message("c3", content: "third"));
            var checkedTargets = chat == trusted;
            await Append(
                chat,
                3,
                Checked(Change("c4", MessageKind.Edit, target: 1, content: "final words", sentAt: T0.AddMinutes(1)), "alice", checkedTargets),
                Checked(Change("c5", MessageKind.Reaction, target: 1, content: "👍", senderId: "bob"), "alice", checkedTargets),
                Checked(Change("c6", MessageKind.Reaction, target: 2, content: "🎉"), "bob", checkedTargets),
                Checked(Change("c7", MessageKind.Edit, target: 2, content: "second edited", senderId: "bob", sentAt: T0.AddMinutes(2)), "bob", checkedTargets),
                Checked(Change("c8", MessageKind.Delete, target: 2, content: "", senderId: "bob"), "bob", checkedTargets));
            await Append(chat, 8, Checked(Change("c9", MessageKind.Edit, target: 3, content: "third edited", sentAt: T0.AddMinutes(3)), "alice", checkedTargets));
        }

        var (readRows, trustedRows) = (await ReadAll(read), await ReadAll(trusted));
        Assert.Equal(readRows.Select(m => m with { ChatId = "", MessageId = Guid.Empty }), trustedRows.Select(m => m with { ChatId = "", MessageId = Guid.Empty }));
        Assert.Equal(("final words", true, "third edited"), (trustedRows[0].Content, trustedRows[1].Deleted, trustedRows[2].Content));
        Assert.Equal([new MessageReaction("👍", ["bob"])], trustedRows[0].Reactions);
        Assert.Equal([1L], (await Search.SearchAsync(new SearchQuery([trusted], "final words", 10), Ct)).Results.Select(m => m.Seq));
        Assert.Empty((await Search.SearchAsync(new SearchQuery([trusted], "second", 10), Ct)).Results);
        Assert.Empty((await Search.SearchAsync(new SearchQuery([trusted], "draft", 10), Ct)).Results);
        Assert.Equal([3L], (await Search.SearchAsync(new SearchQuery([trusted], "third edited", 10), Ct)).Results.Select(m => m.Seq));

        static NewMessage Checked(NewMessage change, string targetSender, bool isChecked) =>
            isChecked ? change with { CheckedTarget = new MessageTarget(change.Target!.Value, MessageKind.Text, targetSender, Deleted: false) } : change;
    }

    [Fact]
    public async Task An_edit_undone_with_its_call_by_a_seq_conflict_leaves_search_as_it_was_while_the_merged_calls_edits_are_found()
    {
        var (kept, undone) = (NewChatId(), NewChatId());
        await Append(kept, 0, Message("c1", content: "harbour draft"));
        await Append(undone, 0, Message("c1", content: "harbour plan"));
        await Append(undone, 2, Message("c3", content: "later"));
        var calls = 0;
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var gated = await CreateGatedStoreAsync(async _ =>
        {
            if (++calls == 1)
            {
                started.SetResult();
                await release.Task;
            }
        });
        var first = gated.Messages.AppendAsync(new ChatAppend(NewChatId(), 0, [Message("c1")]), Ct);
        await started.Task;

        // The undone call's edit is applied, then its text collides with seq 3: the call is undone in its savepoint.
        var conflict = gated.Messages.AppendAsync(
            new ChatAppend(undone, 1, [Change("e1", MessageKind.Edit, target: 1, content: "ghost words"), Message("c2", content: "collides")]), Ct);
        var edit = gated.Messages.AppendAsync(new ChatAppend(kept, 1, [Change("e1", MessageKind.Edit, target: 1, content: "harbour final")]), Ct);
        release.SetResult();
        await first;

        await Assert.ThrowsAsync<StoreUnavailableException>(() => conflict);
        Assert.Equal(2, Assert.Single(await edit).Message.Seq);
        Assert.Empty((await Search.SearchAsync(new SearchQuery([kept, undone], "ghost", 10), Ct)).Results);
        Assert.Equal(
            [(kept, 1L, "harbour final"), (undone, 1L, "harbour plan")],
            (await Search.SearchAsync(new SearchQuery([kept, undone], "harbour", 10), Ct)).Results.Select(m => (m.ChatId, m.Seq, m.Content)).OrderBy(r => r.Content));
        Assert.Empty((await Search.SearchAsync(new SearchQuery([kept], "draft", 10), Ct)).Results);
    }
}
