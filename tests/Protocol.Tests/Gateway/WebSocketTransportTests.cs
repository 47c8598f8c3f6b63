using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text;
using OrleansChat.Gateway.Connections;

namespace OrleansChat.ProtocolTests.Gateway;

/// <summary>What the WebSocket framing hands the server's stream for a batch: one write, one text message per frame.</summary>
public sealed class WebSocketTransportTests
{
    [Fact]
    public async Task A_batch_of_frames_reaches_the_server_as_one_write_holding_one_text_message_per_frame()
    {
        var (server, transport, socket) = Open();
        using var _ = socket;

        foreach (var frame in new[] { "{\"n\":1}", "{\"n\":2}", "{\"n\":3}" })
        {
            await transport.SendAsync(Encoding.UTF8.GetBytes(frame), TestContext.Current.CancellationToken);
        }

        Assert.Empty(server.WrittenBytes);
        await transport.FlushAsync(TestContext.Current.CancellationToken);

        var write = Assert.Single(server.WrittenBytes);
        Assert.Equal(["{\"n\":1}", "{\"n\":2}", "{\"n\":3}"], TextMessages(write));
    }

    [Fact]
    public async Task A_lone_frame_is_written_by_itself_when_flushed()
    {
        var (server, transport, socket) = Open();
        using var _ = socket;

        await transport.SendAsync(Encoding.UTF8.GetBytes("{\"n\":1}"), TestContext.Current.CancellationToken);
        Assert.Empty(server.WrittenBytes);
        await transport.FlushAsync(TestContext.Current.CancellationToken);

        var write = Assert.Single(server.WrittenBytes);
        Assert.Equal(["{\"n\":1}"], TextMessages(write));
    }

    [Fact]
    public async Task A_close_after_a_batch_follows_it_as_a_write_of_its_own()
    {
        var (server, transport, socket) = Open();
        using var _ = socket;
        await transport.SendAsync(Encoding.UTF8.GetBytes("{\"n\":1}"), TestContext.Current.CancellationToken);
        await transport.SendAsync(Encoding.UTF8.GetBytes("{\"n\":2}"), TestContext.Current.CancellationToken);
        await transport.FlushAsync(TestContext.Current.CancellationToken);

        await transport.CloseAsync(CloseCode.SlowConsumer, "client is not reading", TestContext.Current.CancellationToken);

        Assert.Equal(2, server.WrittenBytes.Length);
        Assert.Equal(["{\"n\":1}", "{\"n\":2}"], TextMessages(server.WrittenBytes[0]));
        Assert.Equal(0x88, server.WrittenBytes[1][0]);
        Assert.Equal(4008, BinaryPrimitives.ReadUInt16BigEndian(server.WrittenBytes[1].AsSpan(2)));
    }

    private static (ServerStream Server, WebSocketTransport Transport, WebSocket Socket) Open()
    {
        var server = new ServerStream();
        var stream = new CoalescingStream(server);
        var socket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
        return (server, new WebSocketTransport(socket, stream), socket);
    }

    /// <summary>The payloads of the unmasked, unfragmented text messages a server wrote, each checked to be one.</summary>
    private static List<string> TextMessages(byte[] written)
    {
        var messages = new List<string>();
        var at = 0;
        while (at < written.Length)
        {
            Assert.Equal(0x81, written[at]);
            var length = (int)written[at + 1];
            var header = 2;
            if (length == 126)
            {
                length = BinaryPrimitives.ReadUInt16BigEndian(written.AsSpan(at + 2));
                header = 4;
            }

            messages.Add(Encoding.UTF8.GetString(written, at + header, length));
            at += header + length;
        }

        return messages;
    }
}
