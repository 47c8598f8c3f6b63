using OrleansChat.Client;
using ChatClient = OrleansChat.Client.ChatClient;

namespace OrleansChat.ClientTests;

using ChatMessage = OrleansChat.Client.ChatMessage;
using ChatReaction = OrleansChat.Client.ChatReaction;

/// <summary>
/// PROTOCOL.md 6.1-6.3 through the library: replies, edits, deletes and reactions are one call each, and every field of
/// a change event, a synced text's state and a history item is readable on <see cref="ChatMessage"/>.
/// </summary>
public sealed class MessageChangeTests : IAsyncLifetime
{
    private ClientTestServer _server = null!;
    private string _alice = null!;
    private string _bob = null!;
    private string _carol = null!;
    private string _chatId = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await ClientTestServer.StartAsync();
        (_alice, _bob, _carol) = (ClientTestServer.NewUserId("alice"), ClientTestServer.NewUserId("bob"), ClientTestServer.NewUserId("carol"));
        _chatId = await _server.CreateGroupAsync(_alice, _bob, _carol);
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Replies_edits_deletes_and_reactions_reach_members_as_messages_carrying_their_fields()
    {
        var bob = await _server.StartClientAsync(_bob);
        var acks = await ChangeTheChatAsync(bob);

        var received = await ReadAsync(bob, acks.Count);

        Assert.Equal(acks.Select(a => a.Seq), received.Select(m => m.Seq));
        Assert.Equal(
            [
                (MessageKinds.Text, _alice, $"hi @{_bob}", (long?)null, (long?)null, false, $"{_bob}"),
                (MessageKinds.Text, _bob, "hello", null, 1, false, ""),
                (MessageKinds.Reaction, _bob, "👍", 1, null, false, ""),
                (MessageKinds.Reaction, _carol, "👍", 1, null, false, ""),
                (MessageKinds.Edit, _alice, $"hi all @{_carol}", 1, null, false, $"{_carol}"),
                (MessageKinds.Reaction, _bob, "👍", 1, null, true, ""),
                (MessageKinds.Delete, _alice, "", 2, null, false, ""),
            ],
            received.Select(m => (m.Kind, m.SenderId, m.Content, m.Target, m.ReplyTo, m.Remove, string.Join(",", m.Mentions))));
        Assert.All(received, m => Assert.Equal((_chatId, (string?)null, false, 0), (m.ChatId, m.EditedAt, m.Deleted, m.Reactions.Count)));
    }

    [Fact]
    public async Task A_sync_and_a_history_page_read_texts_with_their_current_state_and_every_change_event()
    {
        var bob = await _server.StartClientAsync(_bob);
        var acks = await ChangeTheChatAsync(bob);
        var synced = new List<ChatMessage>();
        await using var carol = await _server.ConnectAsync(_carol, (in ServerFrame frame) =>
        {
            if (frame.Type == FrameType.Message)
            {
                synced.Add(ChatMessage.From(in frame));
            }

            return ValueTask.CompletedTask;
        });

        await carol.SyncAsync([new SyncCursor(_chatId, 0)], cancellationToken: TestContext.Current.CancellationToken);
        var history = await _server.HistoryAsync(_carol, _chatId);

        Assert.Equal(acks.Select(a => a.Seq), synced.Select(m => m.Seq));
        var (edited, deleted) = (synced[0], synced[1]);
        Assert.Equal((MessageKinds.Text, $"hi all @{_carol}", acks[4].SentAt, false), (edited.Kind, edited.Content, edited.EditedAt, edited.Deleted));
        Assert.Equal([_carol], edited.Mentions);
        Assert.Equal([new ChatReaction("👍", [_carol])], edited.Reactions);
        Assert.Equal((MessageKinds.Text, "", (long?)1, true, (string?)null, 0), (deleted.Kind, deleted.Content, deleted.ReplyTo, deleted.Deleted, deleted.EditedAt, deleted.Reactions.Count));
        Assert.Equal(
            [(MessageKinds.Reaction, (long?)1, false), (MessageKinds.Reaction, 1, false), (MessageKinds.Edit, 1, false), (MessageKinds.Reaction, 1, true), (MessageKinds.Delete, 2, false)],
            synced.Skip(2).Select(m => (m.Kind, m.Target, m.Remove)));
        Assert.Equal(synced, history);
    }

    [Fact]
    public async Task Changes_sent_while_the_connection_is_down_are_sent_on_the_next_one_as_the_changes_they_are()
    {
        var ct = TestContext.Current.CancellationToken;
        var bob = await _server.StartClientAsync(_bob);
        var alice = await _server.StartClientAsync(_alice);
        var text = await alice.SendAsync(_chatId, "helo", cancellationToken: ct);
        var disconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        alice.Disconnected += (_, _) => disconnected.TrySetResult();
        _server.Network.Down();
        _server.Network.CutLatest();
        await disconnected.Task.WaitAsync(TimeSpan.FromSeconds(15), ct);

        var edit = alice.EditAsync(_chatId, text.Seq, "hello", "edit-id", ct);
        var reaction = alice.ReactAsync(_chatId, text.Seq, "👍", clientMsgId: "reaction-id", cancellationToken: ct);
        _server.Network.Up();
        var acks = await Task.WhenAll(edit, reaction).WaitAsync(TimeSpan.FromSeconds(15), ct);

        Assert.Equal([(2L, "edit-id"), (3L, "reaction-id")], acks.Select(a => (a.Seq, a.ClientMsgId)));
        Assert.Equal(
            [(1L, MessageKinds.Text, (long?)null, "helo"), (2L, MessageKinds.Edit, 1, "hello"), (3L, MessageKinds.Reaction, 1, "👍")],
            (await ReadAsync(bob, 3)).Select(m => (m.Seq, m.Kind, m.Target, m.Content)));
    }

    /// <summary>
    /// Seven events: alice's text mentioning bob (1), bob's reply (2), bob's and carol's 👍 on it (3, 4), alice's edit
    /// (5), bob taking his 👍 back (6), and alice, the group's owner, deleting bob's reply (7).
    /// </summary>
    private async Task<IReadOnlyList<Ack>> ChangeTheChatAsync(ChatClient bob)
    {
        var ct = TestContext.Current.CancellationToken;
        var alice = await _server.StartClientAsync(_alice);
        await using var carol = await _server.ConnectAsync(_carol);
        var text = await alice.SendAsync(_chatId, $"hi @{_bob}", cancellationToken: ct);
        var reply = await bob.SendAsync(_chatId, "hello", replyTo: text.Seq, cancellationToken: ct);
        return
        [
            text,
            reply,
            await bob.ReactAsync(_chatId, text.Seq, "👍", cancellationToken: ct),
            await carol.ReactAsync(_chatId, "c1", text.Seq, "👍", cancellationToken: ct),
            await alice.EditAsync(_chatId, text.Seq, $"hi all @{_carol}", cancellationToken: ct),
            await bob.ReactAsync(_chatId, text.Seq, "👍", remove: true, cancellationToken: ct),
            await alice.DeleteAsync(_chatId, reply.Seq, cancellationToken: ct),
        ];
    }

    private static async Task<List<ChatMessage>> ReadAsync(ChatClient client, int count)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        var messages = new List<ChatMessage>();
        while (messages.Count < count)
        {
            messages.Add(await client.Messages.ReadAsync(timeout.Token));
        }

        return messages;
    }
}
