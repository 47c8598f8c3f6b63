using System.Net;
using System.Net.WebSockets;

namespace OrleansChat.ProtocolTests;

/// <summary>A server with a second, HTTP/2-only endpoint (cleartext, prior knowledge) and no practical send limit.</summary>
public sealed class Http2Server : IAsyncLifetime
{
    public ChatServer Server { get; private set; } = null!;

    public Uri WebSocketUri { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var port = LoopbackPorts.Free();
        Server = await ChatServer.StartAsync(null,
            "Kestrel:Endpoints:A:Url=http://127.0.0.1:0",
            $"Kestrel:Endpoints:B:Url=http://127.0.0.1:{port}", "Kestrel:Endpoints:B:Protocols=Http2",
            "RateLimit:SendsPerSecond=100000", "RateLimit:Burst=100000", "RateLimit:FramesPerSecond=100000", "RateLimit:FrameBurst=100000");
        WebSocketUri = new Uri($"ws://127.0.0.1:{port}/ws");
    }

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>A WebSocket over HTTP/2 (extended CONNECT) gets its queued frames together too, each its own message, in order.</summary>
public sealed class Http2WebSocketTests(Http2Server fixture) : IClassFixture<Http2Server>
{
    private ChatServer Server => fixture.Server;

    [Fact]
    public async Task Each_message_of_an_http2_websocket_holds_exactly_one_frame_and_they_arrive_in_seq_order()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        await using var sending = await alice.ConnectAsync();
        using var http2 = new HttpMessageInvoker(new SocketsHttpHandler());
        using var raw = new ClientWebSocket();
        raw.Options.HttpVersion = HttpVersion.Version20;
        raw.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        raw.Options.CollectHttpResponseDetails = true;
        raw.Options.SetRequestHeader("Authorization", $"Bearer {bob.Token}");
        await raw.ConnectAsync(fixture.WebSocketUri, http2, TestContext.Current.CancellationToken);

        // An extended CONNECT is answered 200; an HTTP/1.1 upgrade would have been 101.
        Assert.Equal(HttpStatusCode.OK, raw.HttpStatusCode);
        Assert.Equal("welcome", (await CoalescedWriteTests.ReceiveMessageAsync(raw)).Type());

        await CoalescedWriteTests.SendAllAsync(sending, chatId, new string('m', 2000));

        var seqs = new List<long>();
        while (seqs.Count < CoalescedWriteTests.Burst)
        {
            var frame = await CoalescedWriteTests.ReceiveMessageAsync(raw);
            if (frame.Is("message", chatId))
            {
                seqs.Add(frame.Number("seq"));
            }
        }

        Assert.Equal(Enumerable.Range(1, CoalescedWriteTests.Burst).Select(i => (long)i), seqs);
    }
}
