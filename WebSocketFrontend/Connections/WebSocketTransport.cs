using System.Buffers;
using System.Net.WebSockets;

namespace OrleansChat.Gateway.Connections;

/// <summary>
/// The WebSocket framing: each frame one text message, each close a close frame; reads whole messages within the frame
/// limit. Over a <see cref="CoalescingStream"/>, a batch of several frames reaches the server as one write; a batch of
/// one is sent as it always was, without a copy.
/// </summary>
public sealed class WebSocketTransport : IFrameTransport
{
    private const int MaxEmptyFragments = 1024;

    private readonly WebSocket _socket;
    private readonly CoalescingStream? _writes;
    private ReadOnlyMemory<byte> _first;
    private bool _holdsFirst;
    private bool _batching;

    /// <summary>A socket whose writes go to <paramref name="writes"/>, if given, which this transport opens and ends batches on.</summary>
    internal WebSocketTransport(WebSocket socket, CoalescingStream? writes)
    {
        _socket = socket;
        _writes = writes;
    }

    public ValueTask SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        if (_writes is null)
        {
            return SendNowAsync(frame, cancellationToken);
        }

        if (!_holdsFirst && !_batching)
        {
            // Whether a batch is worth its copy is known only when a second frame comes before the flush.
            (_first, _holdsFirst) = (frame, true);
            return ValueTask.CompletedTask;
        }

        return SendInBatchAsync(_writes, frame, cancellationToken);
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_holdsFirst)
        {
            return SendNowAsync(TakeFirst(), cancellationToken);
        }

        if (_batching)
        {
            _batching = false;
            return _writes!.EndBatchAsync(cancellationToken);
        }

        return ValueTask.CompletedTask;
    }

    public Task CloseAsync(CloseCode code, string reason, CancellationToken cancellationToken) =>
        _socket.State is WebSocketState.Open or WebSocketState.CloseReceived
            ? _socket.CloseOutputAsync((WebSocketCloseStatus)code, reason, cancellationToken)
            : Task.CompletedTask;

    public void Abort() => _socket.Abort();

    /// <summary>The socket reports a lost client as a <see cref="WebSocketException"/>; the end of a batch, written by the stream itself, as the server's <see cref="IOException"/>.</summary>
    public bool IsDisconnect(Exception exception) => exception is WebSocketException or IOException;

    private async ValueTask SendInBatchAsync(CoalescingStream writes, ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        if (_holdsFirst)
        {
            writes.BeginBatch();
            _batching = true;
            await SendNowAsync(TakeFirst(), cancellationToken);
        }

        await SendNowAsync(frame, cancellationToken);
    }

    private ValueTask SendNowAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken) =>
        _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

    private ReadOnlyMemory<byte> TakeFirst()
    {
        var first = _first;
        (_first, _holdsFirst) = (default, false);
        return first;
    }

    /// <summary>
    /// Reads the next whole message into a pooled buffer that grows up to <paramref name="maxBytes"/>. As soon as more
    /// than that has arrived it stops and reports the message as too large, leaving the rest unread: a frame may declare
    /// up to 2^63 bytes, and reading it to its end would be reading forever. The caller returns the buffer with
    /// <see cref="ReceivedFrame.Dispose"/>.
    /// </summary>
    public async Task<ReceivedFrame> ReceiveAsync(int maxBytes, CancellationToken cancellationToken)
    {
        // An idle connection waits with no buffer: a zero-byte read completes once a frame has begun to arrive.
        var first = await _socket.ReceiveAsync(Memory<byte>.Empty, cancellationToken);
        if (first.MessageType == WebSocketMessageType.Close)
        {
            return new ReceivedFrame(WebSocketMessageType.Close, [], 0, TooLarge: false);
        }

        if (first.EndOfMessage)
        {
            return new ReceivedFrame(first.MessageType, [], 0, TooLarge: false);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        var count = 0;
        var empty = 0;
        try
        {
            while (true)
            {
                // One byte past the limit is enough to know the message is too large.
                var room = Math.Min(buffer.Length, maxBytes + 1);
                if (count == room)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, maxBytes + 1));
                    buffer.AsSpan(0, count).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                    room = Math.Min(buffer.Length, maxBytes + 1);
                }

                var result = await _socket.ReceiveAsync(buffer.AsMemory(count, room - count), cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return new ReceivedFrame(WebSocketMessageType.Close, buffer, 0, TooLarge: false);
                }

                // Empty fragments add no byte, so a message made of them would never reach the limit: past a bound, it has.
                count += result.Count;
                if (count > maxBytes || (result.Count == 0 && !result.EndOfMessage && ++empty > MaxEmptyFragments))
                {
                    return new ReceivedFrame(result.MessageType, buffer, 0, TooLarge: true);
                }

                if (result.EndOfMessage)
                {
                    return new ReceivedFrame(result.MessageType, buffer, count, TooLarge: false);
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }
}

/// <summary>A received WebSocket message in a pooled buffer.</summary>
public readonly record struct ReceivedFrame(WebSocketMessageType Type, byte[] Buffer, int Count, bool TooLarge) : IDisposable
{
    public ReadOnlyMemory<byte> Payload => Buffer.AsMemory(0, Count);

    public void Dispose()
    {
        if (Buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(Buffer);
        }
    }
}
