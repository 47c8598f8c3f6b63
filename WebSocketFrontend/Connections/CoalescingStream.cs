using System.Buffers;

namespace OrleansChat.Gateway.Connections;

/// <summary>
/// An upgraded connection's stream that can hold writes back: between <see cref="BeginBatch"/> and
/// <see cref="EndBatchAsync"/> every write lands in one pooled buffer, which reaches the server's stream as one write
/// (Kestrel flushes its pipe on every write, often one send call each). Outside a batch, writes go straight through.
/// </summary>
/// <remarks>
/// The WebSocket writes whole messages, one write each, from several paths (the connection's frames, keep-alive pings,
/// pongs, the close); it never writes two at once, but the end of a batch is not one of its writes. So every write that
/// reaches the server's stream holds <see cref="_writing"/>, and a batch is closed only while it is held: what was
/// buffered leaves before any write that comes after it, and nothing stays buffered once the batch has ended.
/// </remarks>
internal sealed class CoalescingStream(Stream inner) : Stream
{
    /// <summary>Past this, the buffer is written and the write that did not fit goes straight through: no copy of a large frame.</summary>
    public const int MaxBufferedBytes = 128 * 1024;

    private const int FirstBufferBytes = 4096;

    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _writing = new(1, 1);
    private byte[]? _buffer;
    private int _count;
    private bool _open;

    public override bool CanRead => inner.CanRead;

    public override bool CanWrite => inner.CanWrite;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>From now until <see cref="EndBatchAsync"/>, writes collect in the buffer.</summary>
    public void BeginBatch()
    {
        lock (_gate)
        {
            _open = true;
        }
    }

    /// <summary>Writes what the batch collected as one write; later writes go straight through.</summary>
    public async ValueTask EndBatchAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _writing.WaitAsync(cancellationToken);
        }
        catch
        {
            // The connection is being cut off: nothing may stay behind for a flush that will not come.
            Return(Take(close: true));
            throw;
        }

        try
        {
            await WriteBufferedAsync(Take(close: true), cancellationToken);
        }
        finally
        {
            _writing.Release();
        }
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_open && _count + buffer.Length <= MaxBufferedBytes)
            {
                Append(buffer.Span);
                return ValueTask.CompletedTask;
            }
        }

        return WriteThroughAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Within a batch there is nothing to flush yet: the batch's end writes it.</summary>
    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_open)
            {
                return Task.CompletedTask;
            }
        }

        return FlushThroughAsync(cancellationToken);
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.ReadAsync(buffer, offset, count, cancellationToken);

    // Kestrel's upgraded stream allows no synchronous I/O either; a synchronous write would also pass the buffer by.
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("The upgraded stream is read asynchronously.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("The upgraded stream is written asynchronously.");

    public override void Flush() => throw new NotSupportedException("The upgraded stream is flushed asynchronously.");

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Return(Take(close: true));
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>A write that does not join the buffer: after what the buffer holds, if anything, and alone on the stream.</summary>
    private async ValueTask WriteThroughAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        await _writing.WaitAsync(cancellationToken);
        try
        {
            await WriteBufferedAsync(Take(close: false), cancellationToken);
            await inner.WriteAsync(buffer, cancellationToken);
        }
        finally
        {
            _writing.Release();
        }
    }

    private async Task FlushThroughAsync(CancellationToken cancellationToken)
    {
        await _writing.WaitAsync(cancellationToken);
        try
        {
            await inner.FlushAsync(cancellationToken);
        }
        finally
        {
            _writing.Release();
        }
    }

    private async ValueTask WriteBufferedAsync((byte[] Buffer, int Count)? buffered, CancellationToken cancellationToken)
    {
        if (buffered is not { } taken)
        {
            return;
        }

        try
        {
            await inner.WriteAsync(taken.Buffer.AsMemory(0, taken.Count), cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(taken.Buffer);
        }
    }

    /// <summary>Takes what the buffer holds, ending the batch when <paramref name="close"/>.</summary>
    private (byte[] Buffer, int Count)? Take(bool close)
    {
        lock (_gate)
        {
            _open &= !close;
            if (_buffer is not { } buffer)
            {
                return null;
            }

            var count = _count;
            _buffer = null;
            _count = 0;
            return (buffer, count);
        }
    }

    private static void Return((byte[] Buffer, int Count)? taken)
    {
        if (taken is { } t)
        {
            ArrayPool<byte>.Shared.Return(t.Buffer);
        }
    }

    /// <summary>Copies into the buffer, renting it (or a larger one) as needed. The caller holds <see cref="_gate"/>.</summary>
    private void Append(ReadOnlySpan<byte> bytes)
    {
        var needed = _count + bytes.Length;
        if (_buffer is null || _buffer.Length < needed)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Max(FirstBufferBytes, (_buffer?.Length ?? 0) * 2)));
            if (_buffer is not null)
            {
                _buffer.AsSpan(0, _count).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(_buffer);
            }

            _buffer = larger;
        }

        bytes.CopyTo(_buffer.AsSpan(_count));
        _count = needed;
    }
}
