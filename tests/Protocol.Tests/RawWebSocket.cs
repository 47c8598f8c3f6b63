using System.Buffers.Binary;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace OrleansChat.ProtocolTests;

/// <summary>
/// A WebSocket client written by hand over TCP (RFC 6455), for what a conforming client never sends: a frame whose
/// declared length the payload never reaches, a text frame that is not UTF-8. It does the upgrade itself and reads
/// the server's frames as they are.
/// </summary>
public sealed class RawWebSocket : IAsyncDisposable
{
    public const byte Continuation = 0x0;
    public const byte Text = 0x1;
    public const byte Close = 0x8;

    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly byte[] _mask = RandomNumberGenerator.GetBytes(4);
    private long _masked;

    private RawWebSocket(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    /// <summary>Connects to <c>/ws</c> of <paramref name="server"/> with a bearer token and reads the 101 answer.</summary>
    public static async Task<RawWebSocket> ConnectAsync(ChatServer server, string token)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(server.BaseAddress.Host, server.BaseAddress.Port, TestContext.Current.CancellationToken);
        var socket = new RawWebSocket(tcp);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var request = $"GET /ws HTTP/1.1\r\nHost: {server.BaseAddress.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer {token}\r\n\r\n";
        await socket._stream.WriteAsync(Encoding.ASCII.GetBytes(request), TestContext.Current.CancellationToken);

        // Byte by byte up to the blank line, so that no frame byte after it is taken with the headers.
        var head = new StringBuilder();
        var one = new byte[1];
        using var timeout = new CancellationTokenSource(ChatSocket.DefaultTimeout);
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await socket._stream.ReadAsync(one, timeout.Token) == 0)
            {
                throw new Xunit.Sdk.XunitException($"the server closed during the handshake: {head}");
            }

            head.Append((char)one[0]);
        }

        Assert.StartsWith("HTTP/1.1 101", head.ToString(), StringComparison.Ordinal);
        return socket;
    }

    /// <summary>A client frame's header: FIN (unless <paramref name="fin"/> is false), the opcode, the mask bit and <paramref name="length"/> as declared.</summary>
    public async Task SendHeaderAsync(byte opcode, ulong length, bool fin = true)
    {
        var header = new List<byte> { (byte)((fin ? 0x80 : 0) | opcode) };
        if (length < 126)
        {
            header.Add((byte)(0x80 | (int)length));
        }
        else if (length <= ushort.MaxValue)
        {
            header.Add(0x80 | 126);
            header.Add((byte)(length >> 8));
            header.Add((byte)length);
        }
        else
        {
            header.Add(0x80 | 127);
            var bytes = new byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(bytes, length);
            header.AddRange(bytes);
        }

        header.AddRange(_mask);
        _masked = 0;
        await _stream.WriteAsync(header.ToArray(), TestContext.Current.CancellationToken);
    }

    /// <summary>Payload bytes of the frame whose header was sent last, masked as a client must.</summary>
    public async Task SendPayloadAsync(ReadOnlyMemory<byte> payload)
    {
        var masked = payload.ToArray();
        for (var i = 0; i < masked.Length; i++)
        {
            masked[i] ^= _mask[(int)((_masked + i) % 4)];
        }

        _masked += masked.Length;
        await _stream.WriteAsync(masked, TestContext.Current.CancellationToken);
    }

    /// <summary>A whole frame.</summary>
    public async Task SendFrameAsync(byte opcode, byte[] payload)
    {
        await SendHeaderAsync(opcode, (ulong)payload.Length);
        await SendPayloadAsync(payload);
    }

    /// <summary>The server's next frame (its opcode and payload); null when the connection ended first.</summary>
    public async Task<(byte Opcode, byte[] Payload)?> ReceiveFrameAsync(TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? ChatSocket.DefaultTimeout);
        var head = await ReadExactlyAsync(2, deadline.Token);
        if (head is null)
        {
            return null;
        }

        var length = (ulong)(head[1] & 0x7F);
        if (length >= 126)
        {
            var extended = await ReadExactlyAsync(length == 126 ? 2 : 8, deadline.Token) ?? throw new EndOfStreamException();
            length = length == 126 ? BinaryPrimitives.ReadUInt16BigEndian(extended) : BinaryPrimitives.ReadUInt64BigEndian(extended);
        }

        var payload = length == 0 ? [] : await ReadExactlyAsync((int)length, deadline.Token) ?? throw new EndOfStreamException();
        return ((byte)(head[0] & 0x0F), payload);
    }

    /// <summary>The server's next frame, which must be a text frame holding JSON.</summary>
    public async Task<JsonElement> ReceiveJsonAsync()
    {
        var frame = await ReceiveFrameAsync() ?? throw new Xunit.Sdk.XunitException("the connection ended before a text frame");
        Assert.Equal(Text, frame.Opcode);
        using var document = JsonDocument.Parse(frame.Payload);
        return document.RootElement.Clone();
    }

    /// <summary>Reads until the server ends the connection (a FIN or a reset); false when it is still open at the deadline.</summary>
    public async Task<bool> EndsWithinAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        var buffer = new byte[16 * 1024];
        try
        {
            while (await _stream.ReadAsync(buffer, deadline.Token) > 0)
            {
            }

            return true;
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>The close code of a close frame's payload.</summary>
    public static int CloseCode(byte[] payload) => BinaryPrimitives.ReadUInt16BigEndian(payload);

    private async Task<byte[]?> ReadExactlyAsync(int count, CancellationToken cancellation)
    {
        var buffer = new byte[count];
        var read = 0;
        while (read < count)
        {
            int n;
            try
            {
                n = await _stream.ReadAsync(buffer.AsMemory(read), cancellation);
            }
            catch (IOException) when (read == 0)
            {
                return null;
            }

            if (n == 0)
            {
                return read == 0 ? null : throw new EndOfStreamException();
            }

            read += n;
        }

        return buffer;
    }
}
