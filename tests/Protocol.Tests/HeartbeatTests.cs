using System.Net.Sockets;
using System.Text;

namespace OrleansChat.ProtocolTests;

/// <summary>PROTOCOL.md 3.3: a user goes offline when their last device misses heartbeats for 2 × heartbeatSeconds.</summary>
public sealed class HeartbeatTests
{
    [Fact]
    public async Task A_device_that_stops_answering_heartbeats_is_dropped_and_its_user_goes_offline()
    {
        await using var server = await ChatServer.StartAsync(null, "Gateway:HeartbeatSeconds=1");
        var (alice, bob) = (server.NewUser("alice"), server.NewUser("bob"));
        await using var bobSocket = await bob.ConnectAsync();

        // Alice's device completes the handshake and then goes silent: it never reads, so never answers a ping.
        using var silent = await OpenSilentWebSocketAsync(server, alice.Token);
        var reference = bobSocket.NextRef();
        await bobSocket.SendAsync(new { type = "watch_presence", @ref = reference, userIds = new[] { alice.Id } });
        var current = await bobSocket.ReceiveAsync("presence", where: p => p.Text("userId") == alice.Id);
        Assert.Equal("online", current.Text("status"));

        var offline = await bobSocket.ReceiveAsync("presence", where: p => p.Text("userId") == alice.Id, timeout: TimeSpan.FromSeconds(15));
        Assert.Equal("offline", offline.Text("status"));
        Assert.True(offline.GetProperty("lastSeen").ValueKind == System.Text.Json.JsonValueKind.String);
    }

    [Fact]
    public async Task The_welcome_announces_the_configured_heartbeat()
    {
        await using var server = await ChatServer.StartAsync(null, "Gateway:HeartbeatSeconds=7");
        await using var socket = await server.NewUser("alice").ConnectAsync();

        Assert.Equal(7, socket.Welcome.GetProperty("heartbeatSeconds").GetInt32());
    }

    /// <summary>A WebSocket handshake by hand, after which the client neither reads nor writes.</summary>
    private static async Task<TcpClient> OpenSilentWebSocketAsync(ChatServer server, string token)
    {
        var client = new TcpClient();
        await client.ConnectAsync(server.BaseAddress.Host, server.BaseAddress.Port, TestContext.Current.CancellationToken);
        var stream = client.GetStream();
        var request =
            $"GET /ws?access_token={Uri.EscapeDataString(token)} HTTP/1.1\r\n" +
            $"Host: {server.BaseAddress.Authority}\r\n" +
            "Upgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), TestContext.Current.CancellationToken);

        var response = new StringBuilder();
        var buffer = new byte[1];
        while (!response.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, TestContext.Current.CancellationToken);
            Assert.True(read > 0, "the server closed the connection during the handshake");
            response.Append((char)buffer[0]);
        }

        Assert.StartsWith("HTTP/1.1 101", response.ToString(), StringComparison.Ordinal);

        // The welcome is written once the session is open, so the user is online from here on; pings are never answered.
        var frames = new StringBuilder();
        while (!frames.ToString().Contains("\"welcome\"", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, TestContext.Current.CancellationToken);
            Assert.True(read > 0, "the server closed the connection before its welcome");
            frames.Append((char)buffer[0]);
        }

        return client;
    }
}
