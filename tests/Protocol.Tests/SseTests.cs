using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OrleansChat.ProtocolTests;

/// <summary>PROTOCOL.md 10: <c>GET /api/v1/events</c> is a session like a WebSocket's, its frames written as events.</summary>
[Collection(SharedServer.Name)]
public sealed class SseTests(ChatServerFixture fixture)
{
    private ChatServer Server => fixture.Server;

    [Fact]
    public async Task The_stream_is_an_uncached_event_stream_whose_first_event_is_welcome()
    {
        var alice = Server.NewUser("alice");

        await using var events = await EventSource.OpenAsync(Server, alice.Token);

        Assert.Equal("text/event-stream", events.Response.Content.Headers.ContentType?.MediaType);
        Assert.True(events.Response.Headers.CacheControl?.NoCache, $"Cache-Control: {events.Response.Headers.CacheControl}");
        Assert.Null(events.Response.Content.Headers.ContentEncoding.FirstOrDefault());
        Assert.Equal("welcome", events.Welcome.Text("type"));
        Assert.Equal(alice.Id, events.Welcome.Text("userId"));
        Assert.Equal(25, events.Welcome.Number("heartbeatSeconds"));
        Assert.Matches("^[0-9a-f]{32}$", events.Welcome.Text("sessionId"));
        Expect.IsoUtcMillis(events.Welcome.Text("serverTime"));
    }

    [Fact]
    public async Task The_token_may_come_as_access_token_in_the_query_as_for_an_event_source()
    {
        var alice = Server.NewUser("alice");

        await using var events = await EventSource.OpenAsync(Server, alice.Token, queryToken: true);

        Assert.Equal(alice.Id, events.Welcome.Text("userId"));
    }

    [Fact]
    public async Task A_message_sent_over_a_websocket_arrives_as_an_event_holding_the_exact_json_a_websocket_gets()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        await using var bobEvents = await EventSource.OpenAsync(Server, bob.Token);
        await using var bobSocket = await bob.ConnectAsync();
        await using var aliceSocket = await alice.ConnectAsync();

        await aliceSocket.SendAsync(new { type = "send", @ref = "s1", chatId, clientMsgId = "k1", content = "hello \"there\" ✓" });

        var overSocket = await bobSocket.ReceiveAsync("message", chatId);
        var overEvents = await bobEvents.ReceiveUntilAsync(i => i.IsEvent("message", chatId));
        Assert.Equal(overSocket.GetRawText(), overEvents.Data);
        Assert.Equal("hello \"there\" ✓", overEvents.Json.Text("content"));
    }

    [Fact]
    public async Task Typing_receipts_and_membership_changes_arrive_as_events_named_by_their_type()
    {
        var (alice, bob, carol) = (Server.NewUser("alice"), Server.NewUser("bob"), Server.NewUser("carol"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        await using var bobEvents = await EventSource.OpenAsync(Server, bob.Token);
        await using var aliceSocket = await alice.ConnectAsync();

        await aliceSocket.SendAsync(new { type = "typing", chatId, state = "start" });
        var typing = await bobEvents.ReceiveAsync("typing", chatId);
        await alice.PostMessageAsync(chatId, "one");
        await aliceSocket.SendAsync(new { type = "read", chatId, seq = 1 });
        var receipt = await bobEvents.ReceiveAsync("receipt", chatId, r => r.Text("userId") == alice.Id && r.Number("readSeq") == 1);
        await alice.AddMemberAsync(chatId, carol);
        var chat = await bobEvents.ReceiveAsync("chat", chatId);

        Assert.Equal((alice.Id, "start"), (typing.Text("userId"), typing.Text("state")));
        Assert.Equal(1, receipt.Number("deliveredSeq"));
        Assert.Equal(("member_added", carol.Id), (chat.Text("event"), chat.Text("userId")));
    }

    [Fact]
    public async Task A_stream_makes_its_user_online_for_a_watcher_and_offline_once_it_is_dropped()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        await using var watcher = await alice.ConnectAsync();
        await watcher.SendAsync(new { type = "watch_presence", userIds = new[] { bob.Id } });
        Assert.Equal("offline", (await watcher.ReceiveAsync("presence", where: p => p.Text("userId") == bob.Id)).Text("status"));

        var bobEvents = await EventSource.OpenAsync(Server, bob.Token);
        Assert.Equal("online", (await watcher.ReceiveAsync("presence", where: p => p.Text("userId") == bob.Id)).Text("status"));

        await bobEvents.DisposeAsync();
        var offline = await watcher.ReceiveAsync("presence", where: p => p.Text("userId") == bob.Id);
        Assert.Equal("offline", offline.Text("status"));
        Expect.IsoUtcMillis(offline.Text("lastSeen"));
    }

    [Fact]
    public async Task A_stream_hears_the_presence_of_its_direct_chat_peer_as_a_websocket_does()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        await bob.OpenDirectChatAsync(alice);
        await using var bobEvents = await EventSource.OpenAsync(Server, bob.Token);

        await using var aliceSocket = await alice.ConnectAsync();

        var presence = await bobEvents.ReceiveAsync("presence", where: p => p.Text("userId") == alice.Id);
        Assert.Equal("online", presence.Text("status"));
    }

    [Fact]
    public async Task After_a_dropped_stream_post_sync_returns_exactly_the_messages_it_missed()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        long lastHeld;
        await using (var before = await EventSource.OpenAsync(Server, bob.Token))
        {
            await alice.PostMessageAsync(chatId, "seen 1");
            await alice.PostMessageAsync(chatId, "seen 2");
            lastHeld = (await before.ReceiveAsync("message", chatId, m => m.Number("seq") == 2)).Number("seq");
        }

        for (var i = 3; i <= 5; i++)
        {
            await alice.PostMessageAsync(chatId, $"missed {i}");
        }

        await using var after = await EventSource.OpenAsync(Server, bob.Token);
        using var response = await bob.PostAsync("sync", new { chats = new[] { new { chatId, afterSeq = lastHeld } } });

        var chat = Assert.Single((await Expect.StatusAsync(response, HttpStatusCode.OK)).Items("chats"));
        Assert.Equal(chatId, chat.Text("chatId"));
        Assert.Equal([3, 4, 5], chat.Items("messages").Select(m => m.Number("seq")));
        Assert.Equal(["missed 3", "missed 4", "missed 5"], chat.Items("messages").Select(m => m.Text("content")));
        Assert.Equal(5, chat.Number("lastSeq"));
        Assert.False(chat.Flag("hasMore"));
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData(null)]
    public async Task A_request_that_does_not_accept_an_event_stream_gets_400_and_no_session(string? accept)
    {
        var alice = Server.NewUser("alice");
        await using var watcher = await Server.NewUser("bob").ConnectAsync();
        await watcher.SendAsync(new { type = "watch_presence", userIds = new[] { alice.Id } });
        await watcher.ReceiveAsync("presence", where: p => p.Text("userId") == alice.Id);

        using var response = await EventSource.SendAsync(Server, alice.Token, accept);

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "bad_request");
        await watcher.AssertNothingAsync(f => f.Is("presence") && f.Text("userId") == alice.Id, "presence of a refused stream");
    }

    [Theory]
    [InlineData(null, "Bearer")]
    [InlineData("not-a-token", "Bearer error=\"invalid_token\"")]
    public async Task A_request_without_a_valid_token_gets_401_with_www_authenticate(string? token, string challenge)
    {
        using var response = await EventSource.SendAsync(Server, token, "text/event-stream");

        await Expect.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal(challenge, response.Headers.WwwAuthenticate.ToString());
    }
}

/// <summary>The event stream's heartbeat, on a server whose heartbeat is one second.</summary>
public sealed class SseHeartbeatTests
{
    [Fact]
    public async Task A_comment_line_is_written_every_heartbeat_while_nothing_else_happens()
    {
        await using var server = await ChatServer.StartAsync(null, "Gateway:HeartbeatSeconds=1");
        await using var events = await EventSource.OpenAsync(server, server.NewUser("alice").Token);

        var first = await events.ReceiveAsync(TimeSpan.FromSeconds(5));
        var second = await events.ReceiveAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(1, events.Welcome.Number("heartbeatSeconds"));
        Assert.Equal(new StreamItem(null, null, "heartbeat"), first);
        Assert.Equal(new StreamItem(null, null, "heartbeat"), second);
    }
}

/// <summary>PROTOCOL.md 3.4's 4008 on the event stream: a client that does not read loses its session, and the others keep theirs.</summary>
public sealed class SseSlowConsumerTests(TinyQueueServer fixture) : IClassFixture<TinyQueueServer>
{
    private const int Flood = 2000;

    private ChatServer Server => fixture.Server;

    [Fact]
    public async Task A_stream_whose_client_never_reads_is_ended_and_its_user_goes_offline_while_the_others_keep_receiving()
    {
        var (alice, bob, carol) = (Server.NewUser("alice"), Server.NewUser("bob"), Server.NewUser("carol"));
        var chatId = await alice.CreateGroupIdAsync(bob, carol);
        await using var watcher = await carol.ConnectAsync();
        using var neverReads = await OpenUnreadStreamAsync(bob.Token);
        await watcher.SendAsync(new { type = "watch_presence", userIds = new[] { bob.Id } });
        Assert.Equal("online", (await watcher.ReceiveAsync("presence", where: p => p.Text("userId") == bob.Id)).Text("status"));
        // Carol reads as the flood comes, so that only bob's stream falls behind.
        var seen = await TinyQueueServer.FloodAsync(alice, chatId, watcher, Flood);

        var offline = await watcher.ReceiveAsync("presence", where: p => p.Text("userId") == bob.Id, timeout: TimeSpan.FromSeconds(60));
        Assert.Equal("offline", offline.Text("status"));
        Assert.Equal(Enumerable.Range(1, Flood).Select(i => (long)i), seen);
    }

    /// <summary>An event stream asked for by hand over a socket with a tiny receive buffer, read up to its welcome and then never again.</summary>
    private async Task<TcpClient> OpenUnreadStreamAsync(string token)
    {
        var client = new TcpClient { ReceiveBufferSize = 4096, NoDelay = true };
        await client.ConnectAsync(Server.BaseAddress.Host, Server.BaseAddress.Port, TestContext.Current.CancellationToken);
        var stream = client.GetStream();
        var request = $"GET /api/v1/events HTTP/1.1\r\nHost: {Server.BaseAddress.Authority}\r\nAccept: text/event-stream\r\nAuthorization: Bearer {token}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), TestContext.Current.CancellationToken);

        var received = new StringBuilder();
        var one = new byte[1];
        using var timeout = new CancellationTokenSource(ChatSocket.DefaultTimeout);
        while (!received.ToString().Contains("event: welcome\n", StringComparison.Ordinal))
        {
            Assert.True(await stream.ReadAsync(one, timeout.Token) > 0, $"the server closed the stream before its welcome: {received}");
            received.Append((char)one[0]);
        }

        Assert.StartsWith("HTTP/1.1 200", received.ToString(), StringComparison.Ordinal);
        return client;
    }
}
