using OrleansChat.Client;

namespace OrleansChat.ClientTests;

/// <summary>The library's bare connection against a real server: requests answered by their ref, frames in order.</summary>
public sealed class ConnectionTests : IAsyncLifetime
{
    private ClientTestServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await ClientTestServer.StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_sync_that_names_a_chat_the_user_is_not_in_completes_with_the_chats_it_may_read()
    {
        var (alice, bob, carol) = (ClientTestServer.NewUserId("alice"), ClientTestServer.NewUserId("bob"), ClientTestServer.NewUserId("carol"));
        var ours = await _server.CreateGroupAsync(alice, bob);
        var theirs = await _server.CreateGroupAsync(carol, bob);
        await _server.PostMessageAsync(alice, ours, "one");
        await _server.PostMessageAsync(alice, ours, "two");
        var messages = new List<(string ChatId, long Seq)>();
        await using var connection = await _server.ConnectAsync(alice, (in ServerFrame frame) =>
        {
            if (frame.Type == FrameType.Message)
            {
                lock (messages)
                {
                    messages.Add((frame.ChatId!, frame.Seq));
                }
            }

            return ValueTask.CompletedTask;
        });

        var synced = await connection.SyncAsync([new SyncCursor(theirs, 0), new SyncCursor(ours, 0)], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal([new SyncedChat(ours, 2, HasMore: false)], synced);
        lock (messages)
        {
            Assert.Equal([(ours, 1L), (ours, 2L)], messages);
        }
    }

    [Fact]
    public async Task Pipelined_sends_are_each_answered_with_their_own_ack()
    {
        var (alice, bob) = (ClientTestServer.NewUserId("alice"), ClientTestServer.NewUserId("bob"));
        var chatId = await _server.CreateGroupAsync(alice, bob);
        await using var connection = await _server.ConnectAsync(alice);

        var acks = await Task.WhenAll(Enumerable.Range(1, 50).Select(i =>
            connection.SendAsync(chatId, $"k{i}", $"m{i}", TestContext.Current.CancellationToken)));

        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), acks.Select(a => a.Seq));
        Assert.Equal(Enumerable.Range(1, 50).Select(i => $"k{i}"), acks.Select(a => a.ClientMsgId));
        Assert.Equal(50, acks.Select(a => a.MessageId).Distinct().Count());
        await connection.PingAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_change_sent_by_the_library_is_acked_with_the_next_seq_and_reaches_members_as_its_kind()
    {
        var (alice, bob) = (ClientTestServer.NewUserId("alice"), ClientTestServer.NewUserId("bob"));
        var chatId = await _server.CreateGroupAsync(alice, bob);
        var kinds = new List<(long Seq, string Kind)>();
        await using var connection = await _server.ConnectAsync(alice, (in ServerFrame frame) =>
        {
            if (frame.Type == FrameType.Message)
            {
                lock (kinds)
                {
                    kinds.Add((frame.Seq, frame.GetString("kind"u8) ?? ""));
                }
            }

            return ValueTask.CompletedTask;
        });
        var text = await connection.SendAsync(chatId, "k1", "helo", TestContext.Current.CancellationToken);

        var edit = await connection.SendChangeAsync(chatId, "k2", "edit", text.Seq, "hello", cancellationToken: TestContext.Current.CancellationToken);
        var reaction = await connection.SendChangeAsync(chatId, "k3", "reaction", text.Seq, "👍", remove: true, TestContext.Current.CancellationToken);
        var delete = await connection.SendChangeAsync(chatId, "k4", "delete", text.Seq, cancellationToken: TestContext.Current.CancellationToken);
        var refused = await Assert.ThrowsAsync<ChatErrorException>(() =>
            connection.SendChangeAsync(chatId, "k5", "edit", text.Seq, "too late", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal((2L, 3L, 4L), (edit.Seq, reaction.Seq, delete.Seq));
        Assert.Equal("not_found", refused.Code);
        await connection.PingAsync(TestContext.Current.CancellationToken);
        lock (kinds)
        {
            Assert.Equal([(1L, "text"), (2L, "edit"), (3L, "reaction"), (4L, "delete")], kinds);
        }
    }
}
