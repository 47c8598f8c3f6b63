using OrleansChat.Client;

namespace OrleansChat.ClientTests;

/// <summary>
/// The client library's promises (PROTOCOL.md 3.2 and 3.3) against a real server: after a reconnect it resumes from
/// the last seq it holds, sends again what was not acknowledged with the same client message id, and delivers each
/// message once and in order.
/// </summary>
public sealed class ReconnectTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private ClientTestServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await ClientTestServer.StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_client_reconnects_to_a_restarted_server_and_gets_exactly_what_was_sent_while_it_was_away()
    {
        var (alice, bob) = (ClientTestServer.NewUserId("alice"), ClientTestServer.NewUserId("bob"));
        var chatId = await _server.CreateGroupAsync(alice, bob);
        var client = await _server.StartClientAsync(bob);
        var reconnected = new TaskCompletionSource<Welcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = client.Welcome!;
        client.Connected += (_, welcome) => reconnected.TrySetResult(welcome);
        await _server.PostMessageAsync(alice, chatId, "one");
        await _server.PostMessageAsync(alice, chatId, "two");
        Assert.Equal([(1L, "one"), (2L, "two")], await ReceiveAsync(client, 2));

        // The network stays down until the restarted server holds two more messages, so only a resume can bring them.
        _server.Network.Down();
        await _server.StopAsync();
        await _server.StartAgainAsync();
        await _server.PostMessageAsync(alice, chatId, "three");
        await _server.PostMessageAsync(alice, chatId, "four");
        _server.Network.Up();

        var welcome = await reconnected.Task.WaitAsync(Timeout, TestContext.Current.CancellationToken);
        Assert.NotEqual(first.SessionId, welcome.SessionId);
        Assert.Equal([(3L, "three"), (4L, "four")], await ReceiveAsync(client, 2));
        await _server.PostMessageAsync(alice, chatId, "five");
        Assert.Equal([(5L, "five")], await ReceiveAsync(client, 1));
    }

    [Fact]
    public async Task A_connection_cut_in_the_middle_of_a_burst_gets_every_send_acked_once_and_every_message_delivered_once_in_order()
    {
        const int Burst = 200;
        var (alice, bob) = (ClientTestServer.NewUserId("alice"), ClientTestServer.NewUserId("bob"));
        var chatId = await _server.CreateGroupAsync(alice, bob);
        var client = await _server.StartClientAsync(alice);
        var acked = 0;
        var someAcked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var sends = Enumerable.Range(1, Burst).Select(async i =>
        {
            var ack = await client.SendAsync(chatId, $"m{i}", $"k{i}", TestContext.Current.CancellationToken);
            if (Interlocked.Increment(ref acked) == 20)
            {
                someAcked.TrySetResult();
            }

            return (ClientMsgId: $"k{i}", Ack: ack);
        }).ToList();
        await someAcked.Task.WaitAsync(Timeout, TestContext.Current.CancellationToken);
        _server.Network.CutLatest();
        var results = await Task.WhenAll(sends).WaitAsync(Timeout, TestContext.Current.CancellationToken);

        Assert.Equal(2, _server.Network.Opened);
        Assert.Equal(Enumerable.Range(1, Burst).Select(i => (long)i), results.Select(r => r.Ack.Seq).Order());
        Assert.All(results, r => Assert.Equal(r.ClientMsgId, r.Ack.ClientMsgId));
        var delivered = await ReceiveAsync(client, Burst);
        Assert.Equal(Enumerable.Range(1, Burst).Select(i => (long)i), delivered.Select(m => m.Seq));
        var sentAt = results.ToDictionary(r => r.Ack.Seq, r => "m" + r.ClientMsgId[1..]);
        Assert.All(delivered, m => Assert.Equal(sentAt[m.Seq], m.Content));
        await client.SendAsync(chatId, "marker", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal([(Burst + 1L, "marker")], await ReceiveAsync(client, 1));
    }

    [Fact]
    public async Task A_send_whose_ack_was_lost_is_sent_again_with_its_client_message_id_and_stored_once()
    {
        var (alice, bob) = (ClientTestServer.NewUserId("alice"), ClientTestServer.NewUserId("bob"));
        var chatId = await _server.CreateGroupAsync(alice, bob);
        var bobClient = await _server.StartClientAsync(bob);
        var aliceClient = await _server.StartClientAsync(alice);

        _server.Network.DeafenLatest();
        var sending = aliceClient.SendAsync(chatId, "once", "the-only-id", TestContext.Current.CancellationToken);
        var stored = await bobClient.Messages.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Timeout, TestContext.Current.CancellationToken);
        Assert.False(sending.IsCompleted, "the ack should not have reached the deaf connection");
        _server.Network.CutLatest();

        var ack = await sending.WaitAsync(Timeout, TestContext.Current.CancellationToken);
        Assert.Equal((1L, "once", "the-only-id"), (stored.Seq, stored.Content, stored.ClientMsgId));
        Assert.Equal((stored.Seq, stored.MessageId), (ack.Seq, ack.MessageId));
        var marker = await aliceClient.SendAsync(chatId, "marker", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(2, marker.Seq);
        Assert.Equal([(2L, "marker")], await ReceiveAsync(bobClient, 1));
    }

    private static async Task<List<(long Seq, string Content)>> ReceiveAsync(ChatClient client, int count)
    {
        var received = new List<(long, string)>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Timeout);
        while (received.Count < count)
        {
            var message = await client.Messages.ReadAsync(timeout.Token);
            received.Add((message.Seq, message.Content));
        }

        return received;
    }
}
