namespace OrleansChat.ProtocolTests;

/// <summary>A server letting a connection have at most 4 sends waiting for their acks, with no practical send limit.</summary>
public sealed class FewSendsInFlightServer : IAsyncLifetime
{
    public const int MaxSendsInFlight = 4;

    public ChatServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        Server = await ChatServer.StartAsync(null,
            $"Gateway:MaxSendsInFlight={MaxSendsInFlight}", "RateLimit:SendsPerSecond=100000", "RateLimit:Burst=100000",
            "RateLimit:FramesPerSecond=100000", "RateLimit:FrameBurst=100000");

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>A client that does not wait for each ack before its next send.</summary>
public sealed class PipelinedSendTests(FewSendsInFlightServer fixture) : IClassFixture<FewSendsInFlightServer>
{
    private const int Sends = 200;

    private ChatServer Server => fixture.Server;

    [Fact]
    public async Task Sends_written_back_to_back_are_stored_in_the_order_sent_and_all_acked()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        await using var sending = await alice.ConnectAsync();
        await using var receiving = await bob.ConnectAsync();

        // Far more than may be in flight: the rest wait at the gateway, and nothing is dropped or reordered.
        for (var i = 1; i <= Sends; i++)
        {
            await sending.SendAsync(new { type = "send", @ref = $"r{i}", chatId, clientMsgId = $"k{i}", content = $"m{i}" });
        }

        var acks = new Dictionary<string, long>();
        while (acks.Count < Sends)
        {
            var ack = await sending.ReceiveAsync("ack");
            Assert.True(acks.TryAdd(ack.Text("ref"), ack.Number("seq")), "one ack per send");
        }

        for (var i = 1; i <= Sends; i++)
        {
            Assert.Equal(i, acks[$"r{i}"]);
            var message = await receiving.ReceiveAsync("message", chatId);
            Assert.Equal(i, message.Number("seq"));
            Assert.Equal($"m{i}", message.Text("content"));
        }
    }

    [Fact]
    public async Task Replies_other_than_acks_come_after_the_acks_of_the_sends_before_them()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();
        await using var socket = await alice.ConnectAsync();

        for (var i = 1; i <= 20; i++)
        {
            await socket.SendAsync(new { type = "send", @ref = $"r{i}", chatId, clientMsgId = $"k{i}", content = $"m{i}" });
        }

        await socket.SendAsync(new { type = "send", @ref = "bad", chatId, clientMsgId = "k-bad", content = "" });
        await socket.SendAsync(new { type = "sync", @ref = "s1", chats = new[] { new { chatId, afterSeq = 0 } } });
        await socket.SendAsync(new { type = "ping", @ref = "p1" });

        var replies = new List<string>();
        while (replies.LastOrDefault() != "p1")
        {
            var frame = await socket.ReceiveAsync();
            if (frame.Text("type") is "ack" or "error" or "synced" or "pong")
            {
                replies.Add(frame.Text("ref"));
            }
        }

        Assert.Equal([.. Enumerable.Range(1, 20).Select(i => $"r{i}"), "bad", "s1", "p1"], replies);
    }

    [Fact]
    public async Task Acks_of_sends_to_different_chats_come_back_in_the_order_sent()
    {
        var alice = Server.NewUser("alice");
        var chats = new[] { await alice.CreateGroupIdAsync(), await alice.CreateGroupIdAsync(), await alice.CreateGroupIdAsync() };
        await using var socket = await alice.ConnectAsync();

        for (var i = 0; i < 60; i++)
        {
            await socket.SendAsync(new { type = "send", @ref = $"r{i}", chatId = chats[i % 3], clientMsgId = $"k{i}", content = $"m{i}" });
        }

        var acks = new List<string>();
        while (acks.Count < 60)
        {
            acks.Add((await socket.ReceiveAsync("ack")).Text("ref"));
        }

        Assert.Equal(Enumerable.Range(0, 60).Select(i => $"r{i}"), acks);
    }

    [Fact]
    public async Task A_repeat_sent_right_behind_the_first_gets_the_first_ack_and_stores_nothing_new()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();
        await using var socket = await alice.ConnectAsync();

        await socket.SendAsync(new { type = "send", @ref = "r1", chatId, clientMsgId = "k1", content = "first" });
        await socket.SendAsync(new { type = "send", @ref = "r2", chatId, clientMsgId = "k1", content = "first" });
        await socket.SendAsync(new { type = "send", @ref = "r3", chatId, clientMsgId = "k2", content = "second" });

        var first = await socket.ReceiveAsync("ack", where: f => f.Text("ref") == "r1");
        var repeat = await socket.ReceiveAsync("ack", where: f => f.Text("ref") == "r2");
        var next = await socket.ReceiveAsync("ack", where: f => f.Text("ref") == "r3");
        Assert.Equal(first.Text("messageId"), repeat.Text("messageId"));
        Assert.Equal(1, repeat.Number("seq"));
        Assert.Equal(2, next.Number("seq"));
        var history = await alice.GetMessagesAsync(chatId);
        Assert.Equal(["first", "second"], history.GetProperty("messages").EnumerateArray().Select(m => m.Text("content")));
    }

    [Fact]
    public async Task A_rejected_send_among_pipelined_ones_gets_its_error_and_the_others_their_acks()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        var notMine = await bob.CreateGroupIdAsync();
        await using var socket = await alice.ConnectAsync();

        await socket.SendAsync(new { type = "send", @ref = "r1", chatId, clientMsgId = "k1", content = "one" });
        await socket.SendAsync(new { type = "send", @ref = "r2", chatId = notMine, clientMsgId = "k2", content = "let me in" });
        await socket.SendAsync(new { type = "send", @ref = "r3", chatId, clientMsgId = "k3", content = "two" });

        Expect.Error(await socket.ReceiveAsync("error"), "forbidden", "r2");
        Assert.Equal(1, (await socket.ReceiveAsync("ack", where: f => f.Text("ref") == "r1")).Number("seq"));
        Assert.Equal(2, (await socket.ReceiveAsync("ack", where: f => f.Text("ref") == "r3")).Number("seq"));
    }
}
