using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;

namespace OrleansChat.ProtocolTests;

/// <summary>A server with no practical send or frame limit, for bursts that queue many frames per connection.</summary>
public sealed class BurstServer : IAsyncLifetime
{
    public ChatServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        Server = await ChatServer.StartAsync(null,
            "RateLimit:SendsPerSecond=100000", "RateLimit:Burst=100000", "RateLimit:FramesPerSecond=100000", "RateLimit:FrameBurst=100000");

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// A connection's queued frames leave together (Gateway:MaxFramesPerWrite), and a client sees exactly what it saw
/// when they left one by one: every frame, in the order queued, each its own WebSocket message or event.
/// </summary>
public sealed class CoalescedWriteTests(BurstServer fixture) : IClassFixture<BurstServer>
{
    internal const int Burst = 500;

    private ChatServer Server => fixture.Server;

    [Fact]
    public async Task Messages_sent_at_once_by_another_member_arrive_complete_and_in_seq_order()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        await using var sending = await alice.ConnectAsync();
        await using var receiving = await bob.ConnectAsync();

        // Bob reads nothing until every send is acked, so his connection has them queued when he starts.
        await SendAllAsync(sending, chatId, new string('m', 1000));

        var seqs = new List<long>();
        for (var i = 0; i < Burst; i++)
        {
            seqs.Add((await receiving.ReceiveAsync("message", chatId)).Number("seq"));
        }

        Assert.Equal(Enumerable.Range(1, Burst).Select(i => (long)i), seqs);
    }

    [Fact]
    public async Task Each_websocket_message_holds_exactly_one_frame_while_many_are_queued()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        await using var sending = await alice.ConnectAsync();
        using var tinyReceiveBuffer = TinyReceiveBuffer.NewInvoker();
        using var raw = new ClientWebSocket();
        raw.Options.SetRequestHeader("Authorization", $"Bearer {bob.Token}");
        await raw.ConnectAsync(Server.WebSocketUri, tinyReceiveBuffer, TestContext.Current.CancellationToken);
        Assert.Equal("welcome", (await ReceiveMessageAsync(raw)).Type());

        // Bob's tiny receive window stops his socket long before the burst ends: the server writes it from a full queue.
        await SendAllAsync(sending, chatId, new string('m', 2000));

        var seqs = new List<long>();
        while (seqs.Count < Burst)
        {
            var frame = await ReceiveMessageAsync(raw);
            if (frame.Is("message", chatId))
            {
                seqs.Add(frame.Number("seq"));
            }
        }

        Assert.Equal(Enumerable.Range(1, Burst).Select(i => (long)i), seqs);
    }

    [Fact]
    public async Task A_burst_reaches_an_event_stream_complete_and_in_order()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        await using var sending = await alice.ConnectAsync();
        await using var stream = await EventSource.OpenAsync(Server, bob.Token);

        await SendAllAsync(sending, chatId, new string('m', 1000));

        var seqs = new List<long>();
        for (var i = 0; i < Burst; i++)
        {
            seqs.Add((await stream.ReceiveAsync("message", chatId)).Number("seq"));
        }

        Assert.Equal(Enumerable.Range(1, Burst).Select(i => (long)i), seqs);
    }

    /// <summary>Writes <see cref="Burst"/> sends back to back and returns once all are acked; acks are read as they come.</summary>
    internal static async Task SendAllAsync(ChatSocket socket, string chatId, string content)
    {
        var acked = Task.Run(async () =>
        {
            for (var i = 0; i < Burst; i++)
            {
                await socket.ReceiveAsync("ack", timeout: TimeSpan.FromSeconds(30));
            }
        }, TestContext.Current.CancellationToken);
        for (var i = 1; i <= Burst; i++)
        {
            await socket.SendAsync(new { type = "send", @ref = $"r{i}", chatId, clientMsgId = $"k{i}", content });
        }

        await acked;
    }

    /// <summary>The next whole WebSocket message, which must be one text frame holding exactly one JSON object.</summary>
    internal static async Task<JsonElement> ReceiveMessageAsync(ClientWebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var message = new ArrayBufferWriter<byte>();
        ValueWebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(message.GetMemory(4096), timeout.Token);
            message.Advance(result.Count);
        }
        while (!result.EndOfMessage);

        Assert.Equal(WebSocketMessageType.Text, result.MessageType);

        // Parsing fails on anything after the first value: a message holding two frames would not pass.
        using var json = JsonDocument.Parse(message.WrittenMemory);
        Assert.Equal(JsonValueKind.Object, json.RootElement.ValueKind);
        return json.RootElement.Clone();
    }
}
