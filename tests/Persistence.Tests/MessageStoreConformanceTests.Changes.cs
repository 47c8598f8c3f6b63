namespace OrleansChat.Persistence.Tests;

/// <summary>A row of <c>messages</c> as the database holds it: what a delete must leave of it.</summary>
public sealed record RawMessageRow(long Seq, string Kind, string Content, bool HasMentions, bool Deleted);

/// <summary>Message changes (PROTOCOL.md 6.1 to 6.3): edits, deletes and reactions as rows of the chat's sequence.</summary>
public abstract partial class MessageStoreConformanceTests
{
    // ---- edits -------------------------------------------------------------------------------------

    [Fact]
    public async Task An_edit_takes_its_own_seq_and_replaces_its_targets_content_with_the_time_of_the_edit()
    {
        var chat = NewChatId();
        await Append(chat, 0, Message("c1", content: "teh typo"));

        var edit = Assert.Single(await Append(chat, 1, Change("c2", MessageKind.Edit, target: 1, content: "the typo", sentAt: T0.AddMinutes(1))));
        var next = Assert.Single(await Append(chat, 2, Message("c3", content: "after")));

        Assert.Equal((2L, MessageKind.Edit, (long?)1, "the typo"), (edit.Message.Seq, edit.Message.Kind, edit.Message.Target, edit.Message.Content));
        Assert.Equal(3, next.Message.Seq);
        var rows = await ReadAll(chat);
        Assert.Equal([1L, 2L, 3L], rows.Select(m => m.Seq));
        Assert.Equal(
            (MessageKind.Text, "the typo", (DateTimeOffset?)T0.AddMinutes(1), false),
            (rows[0].Kind, rows[0].Content, rows[0].EditedAt, rows[0].Deleted));
        Assert.Equal(edit.Message, rows[1]);
        Assert.Equal((MessageKind.Text, (DateTimeOffset?)null), (rows[2].Kind, rows[2].EditedAt));
    }

    [Fact]
    public async Task A_text_edited_twice_reads_back_with_its_latest_edit_and_its_mentions()
    {
        var chat = NewChatId();
        await Append(chat, 0, Message("c1", content: "hi @bob") with { Mentions = ["bob"] });

        await Append(
            chat,
            1,
            Change("c2", MessageKind.Edit, target: 1, content: "hi @carol", sentAt: T0.AddMinutes(1)) with { Mentions = ["carol"] },
            Change("c3", MessageKind.Edit, target: 1, content: "hi @dave @carol", sentAt: T0.AddMinutes(2)) with { Mentions = ["dave", "carol"] });

        var rows = await ReadAll(chat);
        Assert.Equal(("hi @dave @carol", (DateTimeOffset?)T0.AddMinutes(2)), (rows[0].Content, rows[0].EditedAt));
        Assert.Equal(["dave", "carol"], rows[0].Mentions);
        Assert.Equal(["carol", "|", "dave", "carol"], rows.Skip(1).SelectMany(r => r.Mentions.Append("|")).SkipLast(1));
    }

    [Fact]
    public async Task Replies_and_mentions_read_back_as_they_were_sent()
    {
        var chat = NewChatId();
        await Append(chat, 0, Message("c1"));

        var reply = Assert.Single(await Append(chat, 1, Message("c2", content: "@bob @carol yes") with { ReplyTo = 1, Mentions = ["bob", "carol"] }));

        var expected = new StoredMessage(chat, 2, reply.Message.MessageId, "alice", "c2", "@bob @carol yes", T0) { ReplyTo = 1, Mentions = ["bob", "carol"] };
        Assert.Equal(expected, reply.Message);
        Assert.Equal(expected, (await ReadAll(chat))[1]);
        Assert.Equal(expected, await Store.GetLastAsync(chat, Ct));
    }

    // ---- deletes -----------------------------------------------------------------------------------

    [Fact]
    public async Task A_delete_erases_the_content_of_its_target_and_of_every_change_to_it_from_the_database_rows()
    {
        var chat = NewChatId();
        await Append(chat, 0, Message("c1", content: "the secret plan @bob", targets: [new("bob", "phone")]) with { Mentions = ["bob"] });
        await Append(
            chat,
            1,
            Change("c2", MessageKind.Edit, target: 1, content: "the secret plan, v2 @bob") with { Mentions = ["bob"] },
            Change("c3", MessageKind.Reaction, target: 1, content: "👍", senderId: "bob"),
            Message("c4", content: "unrelated"));

        var delete = Assert.Single(await Append(chat, 4, Change("c5", MessageKind.Delete, target: 1, content: "")));

        Assert.Equal((5L, MessageKind.Delete, (long?)1, ""), (delete.Message.Seq, delete.Message.Kind, delete.Message.Target, delete.Message.Content));
        Assert.Equal(
            [
                new RawMessageRow(1, "text", "", HasMentions: false, Deleted: true),
                new RawMessageRow(2, "edit", "", HasMentions: false, Deleted: false),
                new RawMessageRow(3, "reaction", "", HasMentions: false, Deleted: false),
                new RawMessageRow(4, "text", "unrelated", HasMentions: false, Deleted: false),
                new RawMessageRow(5, "delete", "", HasMentions: false, Deleted: false),
            ],
            await ReadRawRowsAsync(chat));
        Assert.Equal(0, await CountRowsHoldingAsync(chat, "secret"));
        Assert.Equal(0, await CountRawReactionsAsync(chat));
        Assert.Equal([""], (await OutboxRowsOf(chat)).Select(r => r.Preview));
    }

    [Fact]
    public async Task A_deleted_text_reads_back_as_a_tombstone_without_content_mentions_or_reactions_and_its_changes_without_content()
    {
        var chat = NewChatId();
        await Append(chat, 0, Message("c1", content: "oops @bob") with { Mentions = ["bob"] });
        await Append(chat, 1, Change("c2", MessageKind.Reaction, target: 1, content: "😮", senderId: "bob"));
        await Append(chat, 2, Change("c3", MessageKind.Edit, target: 1, content: "oops!", sentAt: T0.AddMinutes(1)));

        await Append(chat, 3, Change("c4", MessageKind.Delete, target: 1, content: ""));

        var rows = await ReadAll(chat);
        Assert.Equal((MessageKind.Text, "", true), (rows[0].Kind, rows[0].Content, rows[0].Deleted));
        Assert.Empty(rows[0].Mentions);
        Assert.Empty(rows[0].Reactions);
        Assert.Equal(
            [(MessageKind.Reaction, (long?)1, ""), (MessageKind.Edit, 1, ""), (MessageKind.Delete, 1, "")],
            rows.Skip(1).Select(r => (r.Kind, r.Target, r.Content)));
    }

    [Fact]
    public async Task A_delete_in_a_call_erases_the_changes_before_and_after_it_in_that_call()
    {
        var chat = NewChatId();

        var outcomes = await Append(
            chat,
            0,
            Message("c1", content: "secret one"),
            Change("c2", MessageKind.Edit, target: 1, content: "secret two"),
            Change("c3", MessageKind.Delete, target: 1, content: ""),
            Change("c4", MessageKind.Edit, target: 1, content: "secret three"));

        Assert.Equal([1L, 2L, 3L, 4L], outcomes.Select(o => o.Message.Seq));
        Assert.Equal("", outcomes[3].Message.Content);
        Assert.Equal(0, await CountRowsHoldingAsync(chat, "secret"));
        Assert.Equal((true, ""), ((await ReadAll(chat))[0].Deleted, (await ReadAll(chat))[0].Content));
    }

    [Fact]
    public async Task A_change_to_a_text_deleted_before_is_stored_without_its_content_and_changes_nothing()
    {
        var chat = NewChatId();
        await Append(chat, 0, Message("c1", content: "gone"), Change("c2", MessageKind.Delete, target: 1, content: ""));

        var outcomes = await Append(
            chat,
            2,
            Change("c3", MessageKind.Edit, target: 1, content: "secret revival"),
            Change("c4", MessageKind.Reaction, target: 1, content: "👍", senderId: "bob"));

        Assert.Equal([(3L, ""), (4L, "")], outcomes.Select(o => (o.Message.Seq, o.Message.Content)));
        var text = (await ReadAll(chat))[0];
        Assert.Equal((true, "", (DateTimeOffset?)null), (text.Deleted, text.Content, text.EditedAt));
        Assert.Empty(text.Reactions);
        Assert.Equal(0, await CountRowsHoldingAsync(chat, "secret"));
        Assert.Equal(0, await CountRawReactionsAsync(chat));
    }

    // ---- reactions ---------------------------------------------------------------------------------

    [Fact]
    public async Task Reactions_read_back_per_emoji_in_the_order_each_first_appeared_with_their_users_in_order()
    {
        var chat = NewChatId();
        await Append(chat, 0, Message("c1"));

        await Append(
            chat,
            1,
            Change("r1", MessageKind.Reaction, target: 1, content: "👍", senderId: "bob"),
            Change("r2", MessageKind.Reaction, target: 1, content: "❤️", senderId: "carol"),
            Change("r3", MessageKind.Reaction, target: 1, content: "👍", senderId: "carol"),
            Change("r4", MessageKind.Reaction, target: 1, content: "😀", senderId: "dave"),
            Change("r5", MessageKind.Reaction, target: 1, content: "👍", senderId: "alice"));

        Assert.Equal(
            [new MessageReaction("👍", ["bob", "carol", "alice"]), new MessageReaction("❤️", ["carol"]), new MessageReaction("😀", ["dave"])],
            (await ReadAll(chat))[0].Reactions);
        Assert.Equal(
            [(2L, MessageKind.Reaction, "👍", "bob", false), (3, MessageKind.Reaction, "❤️", "carol", false)],
            (await ReadAll(chat)).Skip(1).Take(2).Select(r => (r.Seq, r.Kind, r.Content, r.SenderId, r.Remove)));
    }

    [Fact]
    public async Task Removing_a_reaction_takes_its_user_away_and_an_emoji_nobody_holds_has_no_entry()
    {
        var chat = NewChatId();
        await Append(
            chat,
            0,
            Message("c1"),
            Change("r1", MessageKind.Reaction, target: 1, content: "👍", senderId: "bob"),
            Change("r2", MessageKind.Reaction, target: 1, content: "❤️", senderId: "bob"),
            Change("r3", MessageKind.Reaction, target: 1, content: "❤️", senderId: "carol"));

        var removed = await Append(
            chat,
            4,
            Change("r4", MessageKind.Reaction, target: 1, content: "👍", senderId: "bob") with { Remove = true },
            Change("r5", MessageKind.Reaction, target: 1, content: "❤️", senderId: "bob") with { Remove = true });

        Assert.Equal([(5L, true), (6L, true)], removed.Select(o => (o.Message.Seq, o.Message.Remove)));
        Assert.Equal([new MessageReaction("❤️", ["carol"])], (await ReadAll(chat))[0].Reactions);
        Assert.Equal(1, await CountRawReactionsAsync(chat));
    }

    [Fact]
    public async Task An_emoji_keeps_its_place_while_anyone_still_holds_it()
    {
        var chat = NewChatId();
        await Append(
            chat,
            0,
            Message("c1"),
            Change("r1", MessageKind.Reaction, target: 1, content: "👍", senderId: "bob"),
            Change("r2", MessageKind.Reaction, target: 1, content: "❤️", senderId: "carol"),
            Change("r3", MessageKind.Reaction, target: 1, content: "👍", senderId: "dave"));

        await Append(chat, 4, Change("r4", MessageKind.Reaction, target: 1, content: "👍", senderId: "bob") with { Remove = true });

        Assert.Equal([new MessageReaction("👍", ["dave"]), new MessageReaction("❤️", ["carol"])], (await ReadAll(chat))[0].Reactions);
    }

    [Fact]
    public async Task A_reaction_the_user_holds_already_or_a_removal_of_one_they_do_not_hold_is_stored_and_changes_nothing()
    {
        var chat = NewChatId();
        await Append(chat, 0, Message("c1"), Change("r1", MessageKind.Reaction, target: 1, content: "👍", senderId: "bob"));

        var outcomes = await Append(
            chat,
            2,
            Change("r2", MessageKind.Reaction, target: 1, content: "👍", senderId: "bob"),
            Change("r3", MessageKind.Reaction, target: 1, content: "❤️", senderId: "carol") with { Remove = true });

        Assert.Equal([(3L, false), (4L, false)], outcomes.Select(o => (o.Message.Seq, o.IsDuplicate)));
        var rows = await ReadAll(chat);
        Assert.Equal([1L, 2L, 3L, 4L], rows.Select(r => r.Seq));
        Assert.Equal([new MessageReaction("👍", ["bob"])], rows[0].Reactions);
        Assert.Equal(1, await CountRawReactionsAsync(chat));
    }

    [Fact]
    public async Task Only_texts_carry_reactions_and_a_change_has_no_state_of_its_own()
    {
        var chat = NewChatId();
        await Append(chat, 0, Message("c1"), Change("c2", MessageKind.Edit, target: 1, content: "edited"));

        await Append(chat, 2, Change("r1", MessageKind.Reaction, target: 2, content: "👍", senderId: "bob"));

        var rows = await ReadAll(chat);
        Assert.All(rows, r => Assert.Empty(r.Reactions));
        Assert.Equal([(DateTimeOffset?)T0, null, null], rows.Select(r => r.EditedAt));
        Assert.Equal(0, await CountRawReactionsAsync(chat));
    }

    // ---- idempotency, push rows, transactions --------------------------------------------------

    [Fact]
    public async Task A_change_sent_again_with_its_client_message_id_returns_the_first_and_is_not_applied_again()
    {
        var chat = NewChatId();
        await Append(chat, 0, Message("c1", content: "v0"));
        var react = Assert.Single(await Append(chat, 1, Change("r1", MessageKind.Reaction, target: 1, content: "👍", senderId: "bob"))).Message;
        var edit = Assert.Single(await Append(chat, 2, Change("e1", MessageKind.Edit, target: 1, content: "v1"))).Message;
        await Append(
            chat,
            3,
            Change("r2", MessageKind.Reaction, target: 1, content: "👍", senderId: "bob") with { Remove = true },
            Change("e2", MessageKind.Edit, target: 1, content: "v2"));

        var again = await Append(
            chat,
            5,
            Change("r1", MessageKind.Reaction, target: 1, content: "👍", senderId: "bob"),
            Change("e1", MessageKind.Edit, target: 1, content: "v1"),
            Message("c6"));

        Assert.Equal([(react, true), (edit, true)], again.Take(2).Select(o => (o.Message, o.IsDuplicate)));
        Assert.Equal(6, again[2].Message.Seq);
        var text = (await ReadAll(chat))[0];
        Assert.Equal("v2", text.Content);
        Assert.Empty(text.Reactions);
    }

    [Fact]
    public async Task A_change_writes_push_rows_only_for_the_targets_its_caller_lists()
    {
        var chat = NewChatId();
        await Append(chat, 0, Message("c1"));

        await Append(
            chat,
            1,
            Change("e1", MessageKind.Edit, target: 1, content: "quiet edit"),
            Change("r1", MessageKind.Reaction, target: 1, content: "👍", senderId: "bob", targets: [new("alice", "phone")]));

        Assert.Equal([("alice", 3L, "👍")], (await OutboxRowsOf(chat)).Select(r => (r.RecipientId, r.Seq, r.Preview)));
    }

    [Fact]
    public async Task A_change_commits_in_the_same_merged_transaction_as_plain_texts_of_other_chats()
    {
        var changed = NewChatId();
        var others = new[] { NewChatId(), NewChatId() };
        await Append(changed, 0, Message("c1", content: "before"));
        var sizes = new List<int>();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var gated = await CreateGatedStoreAsync(async calls =>
        {
            sizes.Add(calls);
            if (sizes.Count == 1)
            {
                started.SetResult();
                await release.Task;
            }
        });
        var first = gated.Messages.AppendAsync(new ChatAppend(NewChatId(), 0, [Message("c1")]), Ct);
        await started.Task;

        var plain = gated.Messages.AppendAsync(new ChatAppend(others[0], 0, [Message("c1", content: "plain")]), Ct);
        var change = gated.Messages.AppendAsync(
            new ChatAppend(changed, 1, [Change("e1", MessageKind.Edit, target: 1, content: "after"), Change("r1", MessageKind.Reaction, target: 1, content: "👍", senderId: "bob")]),
            Ct);
        var stale = gated.Messages.AppendAsync(new ChatAppend(changed, 0, [Message("x1")]), Ct);
        var more = gated.Messages.AppendAsync(new ChatAppend(others[1], 0, [Message("c1", content: "plain too")]), Ct);
        release.SetResult();
        await first;

        Assert.Equal([2L, 3L], (await change).Select(o => o.Message.Seq));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => stale);
        Assert.Equal(1, Assert.Single(await plain).Message.Seq);
        Assert.Equal(1, Assert.Single(await more).Message.Seq);
        Assert.Equal([1, 4], sizes);
        var text = (await ReadAll(changed))[0];
        Assert.Equal(("after", new MessageReaction("👍", ["bob"])), (text.Content, Assert.Single(text.Reactions)));
        Assert.Equal([1L, 2L, 3L], (await ReadAll(changed)).Select(r => r.Seq));
    }

    [Fact]
    public async Task A_change_without_a_target_a_text_with_one_a_delete_with_content_or_a_blank_mention_is_refused_before_anything_is_stored()
    {
        var chat = NewChatId();

        await Assert.ThrowsAsync<ArgumentException>(() => Append(chat, 0, Message("c1"), Message("c2") with { Kind = MessageKind.Edit }));
        await Assert.ThrowsAsync<ArgumentException>(() => Append(chat, 0, Message("c1") with { Target = 1 }));
        await Assert.ThrowsAsync<ArgumentException>(() => Append(chat, 0, Message("c1"), Change("c2", MessageKind.Delete, target: 1, content: "left behind")));
        await Assert.ThrowsAsync<ArgumentException>(() => Append(chat, 0, Message("c1") with { Mentions = ["bob carol"] }));
        await Assert.ThrowsAsync<ArgumentException>(() => Append(chat, 0, Message("c1") with { Mentions = [""] }));

        Assert.Null(await Store.GetLastAsync(chat, Ct));
    }

    // ---- targets -----------------------------------------------------------------------------------

    [Fact]
    public async Task The_targets_of_a_batch_come_back_with_kind_sender_and_deleted_in_one_call()
    {
        var chat = NewChatId();
        var other = NewChatId();
        await Append(
            chat,
            0,
            Message("c1", senderId: "alice"),
            Message("c2", senderId: "bob"),
            Change("c3", MessageKind.Edit, target: 1, content: "edited", senderId: "alice"),
            Change("c4", MessageKind.Delete, target: 2, content: "", senderId: "carol"));
        await Append(other, 0, Message("c1"), Message("c2"), Message("c3"), Message("c4"), Message("c5"));

        var targets = await Store.GetTargetsAsync(chat, [5, 4, 2, 1, 99], Ct);

        Assert.Equal(
            [
                new MessageTarget(1, MessageKind.Text, "alice", Deleted: false),
                new MessageTarget(2, MessageKind.Text, "bob", Deleted: true),
                new MessageTarget(4, MessageKind.Delete, "carol", Deleted: false),
            ],
            targets);
        Assert.Empty(await Store.GetTargetsAsync(chat, [], Ct));
        Assert.Empty(await Store.GetTargetsAsync(NewChatId(), [1], Ct));
    }

    [Fact]
    public async Task A_row_is_found_by_its_sender_and_client_message_id_in_its_chat_only()
    {
        var chat = NewChatId();
        await Append(
            chat,
            0,
            Message("c1", senderId: "alice"),
            Change("c2", MessageKind.Reaction, target: 1, content: "👍", senderId: "bob"),
            Change("c3", MessageKind.Delete, target: 1, content: "", senderId: "alice"));

        var reaction = await Store.FindByClientMsgIdAsync(chat, "bob", "c2", Ct);

        Assert.NotNull(reaction);
        Assert.Equal((2L, MessageKind.Reaction, 1L, ""), (reaction.Seq, reaction.Kind, reaction.Target!.Value, reaction.Content));
        Assert.True((await Store.FindByClientMsgIdAsync(chat, "alice", "c1", Ct))!.Deleted);
        Assert.Null(await Store.FindByClientMsgIdAsync(chat, "alice", "c2", Ct));
        Assert.Null(await Store.FindByClientMsgIdAsync(NewChatId(), "bob", "c2", Ct));
    }

    // ---- builders ---------------------------------------------------------------------------------

    protected static NewMessage Change(
        string clientMsgId,
        MessageKind kind,
        long target,
        string content,
        string senderId = "alice",
        DateTimeOffset? sentAt = null,
        IReadOnlyList<PushTarget>? targets = null) =>
        Message(clientMsgId, senderId, content, sentAt, targets) with { Kind = kind, Target = target };

    protected async Task<IReadOnlyList<StoredMessage>> ReadAll(string chatId) =>
        (await Store.ReadAsync(chatId, MessageRange.After(0, 500), Ct)).Messages;
}
