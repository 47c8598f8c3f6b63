using System.Globalization;
using System.Net;
using System.Text;

namespace OrleansChat.ProtocolTests;

[Collection(SharedServer.Name)]
public sealed class ConnectionTests(ChatServerFixture fixture)
{
    private ChatServer Server => fixture.Server;

    [Fact]
    public async Task The_first_frame_is_a_welcome_with_session_user_heartbeat_and_server_time()
    {
        var alice = Server.NewUser("alice");

        await using var socket = await alice.ConnectAsync();

        var welcome = socket.Welcome;
        Assert.Equal("welcome", welcome.Type());
        Assert.False(string.IsNullOrEmpty(welcome.Text("sessionId")));
        Assert.Equal(alice.Id, welcome.Text("userId"));
        Assert.Equal(25, welcome.Number("heartbeatSeconds"));
        Expect.IsoUtcMillis(welcome.Text("serverTime"));
        var serverTime = DateTimeOffset.Parse(welcome.Text("serverTime"), CultureInfo.InvariantCulture);
        Assert.InRange(serverTime, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task Each_connection_gets_its_own_session_id()
    {
        var alice = Server.NewUser("alice");

        await using var first = await alice.ConnectAsync();
        await using var second = await alice.ConnectAsync();

        Assert.NotEqual(first.Welcome.Text("sessionId"), second.Welcome.Text("sessionId"));
    }

    [Fact]
    public async Task A_token_in_the_access_token_query_opens_the_socket()
    {
        var alice = Server.NewUser("alice");

        await using var socket = await Server.ConnectWithQueryTokenAsync(alice.Token);

        Assert.Equal(alice.Id, socket.Welcome.Text("userId"));
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("malformed")]
    [InlineData("signed with another key")]
    [InlineData("expired")]
    [InlineData("without sub")]
    public async Task The_handshake_answers_401_and_no_upgrade_for_a_token_that_is(string problem)
    {
        var token = problem switch
        {
            "missing" => null,
            "malformed" => "not-a-jwt",
            "signed with another key" => Tokens.SignedWithAnotherKey("alice"),
            "expired" => Server.Tokens.Expired("alice"),
            _ => Server.Tokens.WithoutSubject(),
        };

        var status = await ChatSocket.HandshakeStatusAsync(Server.WebSocketUri, token);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task An_expired_token_in_the_access_token_query_answers_401()
    {
        var uri = new UriBuilder(Server.WebSocketUri) { Query = $"access_token={Server.Tokens.Expired("alice")}" }.Uri;

        var status = await ChatSocket.HandshakeStatusAsync(uri, null);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task A_token_that_expires_while_connected_gets_unauthorized_then_close_1008()
    {
        var alice = Server.NewUser("alice");
        await using var socket = await Server.ConnectAsync(Server.Tokens.For(alice.Id, TimeSpan.FromSeconds(3)));

        var (code, frames) = await socket.ReceiveCloseAsync(TimeSpan.FromSeconds(20));

        Assert.Contains(frames, f => f.IsError("unauthorized"));
        Assert.Equal(1008, code);
    }

    [Fact]
    public async Task Ping_is_answered_with_a_pong_carrying_the_same_ref()
    {
        await using var socket = await Server.NewUser("alice").ConnectAsync();

        await socket.SendAsync(new { type = "ping", @ref = "p-42" });

        var pong = await socket.ReceiveAsync();
        Assert.Equal("pong", pong.Type());
        Assert.Equal("p-42", pong.Text("ref"));
    }

    [Fact]
    public async Task Unknown_fields_are_ignored()
    {
        await using var socket = await Server.NewUser("alice").ConnectAsync();

        await socket.SendAsync(new { type = "ping", @ref = "p1", colour = "green", nested = new { a = 1 } });

        var pong = await socket.ReceiveAsync();
        Assert.True(pong.Is("pong"), $"got {pong}");
        Assert.Equal("p1", pong.Text("ref"));
    }

    [Fact]
    public async Task Invalid_json_gets_bad_request_and_the_connection_stays_open()
    {
        await using var socket = await Server.NewUser("alice").ConnectAsync();

        await socket.SendTextAsync("{\"type\":\"ping\",");

        Expect.Error(await socket.ReceiveAsync(), "bad_request");
        await socket.RoundTripAsync();
    }

    [Fact]
    public async Task A_frame_that_is_not_an_object_gets_bad_request()
    {
        await using var socket = await Server.NewUser("alice").ConnectAsync();

        await socket.SendTextAsync("[1,2,3]");

        Expect.Error(await socket.ReceiveAsync(), "bad_request");
        await socket.RoundTripAsync();
    }

    [Fact]
    public async Task An_unknown_type_gets_bad_request_with_its_ref_and_the_connection_stays_open()
    {
        await using var socket = await Server.NewUser("alice").ConnectAsync();

        await socket.SendAsync(new { type = "dance", @ref = "d1" });

        Expect.Error(await socket.ReceiveAsync(), "bad_request", "d1");
        await socket.RoundTripAsync();
    }

    [Fact]
    public async Task A_frame_without_a_type_gets_bad_request_with_its_ref()
    {
        await using var socket = await Server.NewUser("alice").ConnectAsync();

        await socket.SendAsync(new { @ref = "t1", chatId = "x" });

        Expect.Error(await socket.ReceiveAsync(), "bad_request", "t1");
    }

    [Fact]
    public async Task A_ref_over_64_characters_gets_an_error_and_the_connection_stays_open()
    {
        await using var socket = await Server.NewUser("alice").ConnectAsync();

        await socket.SendAsync(new { type = "ping", @ref = new string('r', 65) });

        var error = await socket.ReceiveAsync();
        Assert.True(error.IsError("bad_request") || error.IsError("too_large"), $"got {error}");
        await socket.RoundTripAsync();
    }

    [Fact]
    public async Task A_frame_under_64_KiB_is_accepted()
    {
        await using var socket = await Server.NewUser("alice").ConnectAsync();

        await socket.SendAsync(new { type = "ping", @ref = "big", padding = new string('x', 60_000) });

        var pong = await socket.ReceiveAsync();
        Assert.True(pong.Is("pong"), $"got {pong}");
    }

    [Fact]
    public async Task A_frame_over_64_KiB_closes_the_connection_with_1009()
    {
        await using var socket = await Server.NewUser("alice").ConnectAsync();
        var frame = Encoding.UTF8.GetBytes($"{{\"type\":\"ping\",\"ref\":\"huge\",\"padding\":\"{new string('x', 70_000)}\"}}");

        await socket.SendBytesAsync(frame);

        var (code, frames) = await socket.ReceiveCloseAsync();
        Assert.All(frames, f => Assert.True(f.IsError("too_large"), $"only a too_large error may come before the close, got {f}"));
        Assert.Equal(1009, code);
    }
}
