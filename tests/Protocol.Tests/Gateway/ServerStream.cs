using System.Text;

namespace OrleansChat.ProtocolTests.Gateway;

/// <summary>The server's side of the upgraded connection: keeps each write, and can hold writes until released.</summary>
internal sealed class ServerStream : Stream
{
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<byte[]> _writes = [];
    private int _atOnce;

    /// <summary>Whether writes wait for <see cref="Release"/>.</summary>
    public bool Held { get; init; }

    public TaskCompletionSource WriteStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Each write, as UTF-8 text.</summary>
    public string[] Writes => [.. WrittenBytes.Select(w => Encoding.UTF8.GetString(w))];

    /// <summary>Each write, as it came.</summary>
    public byte[][] WrittenBytes
    {
        get
        {
            lock (_writes)
            {
                return [.. _writes];
            }
        }
    }

    public int Flushes { get; private set; }

    public int MostAtOnce { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public void Release() => _released.TrySetResult();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var atOnce = Interlocked.Increment(ref _atOnce);
        MostAtOnce = Math.Max(MostAtOnce, atOnce);
        var bytes = buffer.ToArray();
        WriteStarted.TrySetResult();
        if (Held)
        {
            await _released.Task;
        }

        lock (_writes)
        {
            _writes.Add(bytes);
        }

        Interlocked.Decrement(ref _atOnce);
    }

    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        Flushes++;
        return Task.CompletedTask;
    }

    public override void Flush() => throw new NotSupportedException();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
