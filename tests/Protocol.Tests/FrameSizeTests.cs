using System.Diagnostics;
using System.Text;

namespace OrleansChat.ProtocolTests;

/// <summary>PROTOCOL.md 3.4: a frame over 64 KiB is closed with 1009 as soon as 64 KiB of it have arrived.</summary>
[Collection(SharedServer.Name)]
public sealed class FrameSizeTests(ChatServerFixture fixture)
{
    private ChatServer Server => fixture.Server;

    [Fact]
    public async Task A_frame_declaring_2_to_the_62_bytes_gets_too_large_and_1009_after_64_KiB_and_the_rest_is_never_read()
    {
        var alice = Server.NewUser("alice");
        await using var raw = await RawWebSocket.ConnectAsync(Server, alice.Token);
        Assert.Equal("welcome", (await raw.ReceiveJsonAsync()).Type());
        var started = Stopwatch.StartNew();

        await raw.SendHeaderAsync(RawWebSocket.Text, 1UL << 62);
        var start = Encoding.UTF8.GetBytes("{\"type\":\"ping\",\"ref\":\"endless\",\"padding\":\"");
        await raw.SendPayloadAsync(start);
        await raw.SendPayloadAsync(Encoding.ASCII.GetBytes(new string('x', 100 * 1024)));

        Expect.Error(await raw.ReceiveJsonAsync(), "too_large");
        var close = await raw.ReceiveFrameAsync() ?? throw new Xunit.Sdk.XunitException("the connection ended without a close frame");
        Assert.Equal(RawWebSocket.Close, close.Opcode);
        Assert.Equal(1009, RawWebSocket.CloseCode(close.Payload));

        // The server does not wait for the 2^62 bytes: it ends the connection, so a client writing on meets a closed socket.
        Assert.True(await raw.EndsWithinAsync(TimeSpan.FromSeconds(10)), "the server kept the connection open after its 1009 close");
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(10), $"closing took {started.Elapsed}");
        await Assert.ThrowsAnyAsync<IOException>(async () =>
        {
            var chunk = new byte[64 * 1024];
            for (var written = 0L; written < 256L * 1024 * 1024; written += chunk.Length)
            {
                await raw.SendPayloadAsync(chunk);
            }
        });
    }

    [Fact]
    public async Task A_message_that_never_ends_in_empty_fragments_is_closed_with_1009()
    {
        var alice = Server.NewUser("alice");
        await using var raw = await RawWebSocket.ConnectAsync(Server, alice.Token);
        Assert.Equal("welcome", (await raw.ReceiveJsonAsync()).Type());

        await raw.SendHeaderAsync(RawWebSocket.Text, 1, fin: false);
        await raw.SendPayloadAsync("{"u8.ToArray());
        var sending = Task.Run(async () =>
        {
            for (var i = 0; i < 1_000_000; i++)
            {
                await raw.SendHeaderAsync(RawWebSocket.Continuation, 0, fin: false);
            }
        }, TestContext.Current.CancellationToken);

        Expect.Error(await raw.ReceiveJsonAsync(), "too_large");
        var close = await raw.ReceiveFrameAsync() ?? throw new Xunit.Sdk.XunitException("the connection ended without a close frame");
        Assert.Equal(1009, RawWebSocket.CloseCode(close.Payload));
        await Assert.ThrowsAnyAsync<IOException>(() => sending);
    }

    [Fact]
    public async Task A_frame_of_exactly_64_KiB_is_answered_normally()
    {
        await using var socket = await Server.NewUser("alice").ConnectAsync();
        var prefix = "{\"type\":\"ping\",\"ref\":\"exact\",\"padding\":\"";
        var frame = Encoding.UTF8.GetBytes(prefix + new string('x', (64 * 1024) - prefix.Length - 2) + "\"}");
        Assert.Equal(64 * 1024, frame.Length);

        await socket.SendBytesAsync(frame);

        var pong = await socket.ReceiveAsync();
        Assert.True(pong.Is("pong") && pong.TextOrNull("ref") == "exact", $"got {pong}");
    }

    [Fact]
    public async Task A_frame_of_64_KiB_and_one_byte_is_closed_with_1009()
    {
        await using var socket = await Server.NewUser("alice").ConnectAsync();
        var prefix = "{\"type\":\"ping\",\"ref\":\"over\",\"padding\":\"";
        var frame = Encoding.UTF8.GetBytes(prefix + new string('x', (64 * 1024) - prefix.Length - 1) + "\"}");

        await socket.SendBytesAsync(frame);

        var (code, frames) = await socket.ReceiveCloseAsync();
        Assert.Equal(1009, code);
        Assert.Single(frames, f => f.IsError("too_large"));
    }

    [Fact]
    public async Task A_text_frame_that_is_not_UTF_8_is_closed_with_1007_by_the_WebSocket_layer()
    {
        var alice = Server.NewUser("alice");
        await using var raw = await RawWebSocket.ConnectAsync(Server, alice.Token);
        Assert.Equal("welcome", (await raw.ReceiveJsonAsync()).Type());

        byte[] notUtf8 = [.. "{\"type\":\"ping\",\"ref\":\""u8, 0xFF, 0xFE, .. "\"}"u8];
        await raw.SendFrameAsync(RawWebSocket.Text, notUtf8);

        var close = await raw.ReceiveFrameAsync() ?? throw new Xunit.Sdk.XunitException("the connection ended without a close frame");
        Assert.Equal(RawWebSocket.Close, close.Opcode);
        Assert.Equal(1007, RawWebSocket.CloseCode(close.Payload));
    }
}
