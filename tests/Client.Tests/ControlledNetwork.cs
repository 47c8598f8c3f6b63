using System.Net;
using System.Net.Sockets;

namespace OrleansChat.ClientTests;

/// <summary>
/// The client's TCP connections, under the test's control: they go to whichever port the server listens on now
/// (a restarted server gets a new one), wait while the network is down, and can be cut, or made deaf to the server,
/// at a chosen moment.
/// </summary>
public sealed class ControlledNetwork : IDisposable
{
    private readonly object _gate = new();
    private TaskCompletionSource _up = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ControlledStream? _latest;

    public ControlledNetwork(int port)
    {
        Port = port;
        _up.SetResult();
        Invoker = new HttpMessageInvoker(new SocketsHttpHandler { ConnectCallback = ConnectAsync });
    }

    public HttpMessageInvoker Invoker { get; }

    /// <summary>The server's port; new connections go there.</summary>
    public int Port { get; set; }

    /// <summary>How many connections were opened.</summary>
    public int Opened { get; private set; }

    /// <summary>New connections wait until <see cref="Up"/>.</summary>
    public void Down()
    {
        lock (_gate)
        {
            if (_up.Task.IsCompleted)
            {
                _up = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    public void Up()
    {
        lock (_gate)
        {
            _up.TrySetResult();
        }
    }

    /// <summary>Cuts the latest connection, as a network that drops does.</summary>
    public void CutLatest() => _latest?.Cut();

    /// <summary>From now on the latest connection's client hears nothing from the server (what it sends still arrives).</summary>
    public void DeafenLatest() => _latest?.Deafen();

    public void Dispose() => Invoker.Dispose();

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        Task up;
        lock (_gate)
        {
            up = _up.Task;
        }

        await up.WaitAsync(cancellationToken);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, Port), cancellationToken);
            var stream = new ControlledStream(socket);
            _latest = stream;
            Opened++;
            return stream;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private sealed class ControlledStream(Socket socket) : Stream
    {
        private readonly NetworkStream _inner = new(socket, ownsSocket: true);
        private volatile bool _deaf;

        public void Cut()
        {
            socket.Shutdown(SocketShutdown.Both);
            _inner.Dispose();
        }

        public void Deafen() => _deaf = true;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (true)
            {
                var read = await _inner.ReadAsync(buffer, cancellationToken);
                if (read == 0 || !_deaf)
                {
                    return read;
                }
            }
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            _inner.WriteAsync(buffer, cancellationToken);

        public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => _inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("asynchronous only");

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => _inner.Write(buffer, offset, count);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
