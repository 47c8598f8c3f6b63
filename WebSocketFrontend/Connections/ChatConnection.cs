using System.Threading.Channels;

namespace OrleansChat.Gateway.Connections;

/// <summary>
/// One client connection as the gateway addresses it: its user and session, a bounded queue of outgoing frames
/// drained by a single writer onto its <see cref="IFrameTransport"/> (the frames waiting, together), and its close. A client that lets the queue
/// fill is closed with 4008. Live messages reach the queue through <see cref="Messages"/>, which keeps their order.
/// </summary>
public sealed class ChatConnection : IDisposable
{
    /// <summary>A batch takes no further frame once it holds this many bytes, so one write stays a moderate one.</summary>
    private const int MaxBytesPerWrite = 64 * 1024;

    private readonly IFrameTransport _transport;
    private readonly Channel<byte[]> _outgoing;
    private readonly GatewayMetrics _metrics;
    private readonly TimeSpan _closeTimeout;
    private readonly int _maxFramesPerWrite;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _abort = new();
    private CloseCode? _closeCode;
    private string _closeReason = "";
    private Task _writer = Task.CompletedTask;

    public ChatConnection(IFrameTransport transport, string userId, string sessionId, GatewayOptions options, GatewayMetrics metrics)
    {
        _transport = transport;
        _metrics = metrics;
        _closeTimeout = TimeSpan.FromSeconds(options.CloseTimeoutSeconds);
        _maxFramesPerWrite = options.MaxFramesPerWrite;
        UserId = userId;
        SessionId = sessionId;
        Messages = new MessageOrder(this);
        _outgoing = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(options.SendQueueLimit)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public string UserId { get; }

    public string SessionId { get; }

    /// <summary>The seq order of this connection's live <c>message</c> frames, and the hold while a chat is synced.</summary>
    public MessageOrder Messages { get; }

    /// <summary>The newest membership change applied per chat, for changes that arrive out of order.</summary>
    public MembershipVersions Memberships { get; } = new();

    /// <summary>Whether a close has been asked for; frames that arrive afterwards are not handled.</summary>
    public bool IsClosing => _closeCode is not null;

    /// <summary>Cancelled when the connection is cut off.</summary>
    public CancellationToken Aborted => _abort.Token;

    /// <summary>Queues a frame; a full queue closes the connection with 4008. Never waits.</summary>
    public bool Enqueue(byte[] frame)
    {
        if (_outgoing.Writer.TryWrite(frame))
        {
            return true;
        }

        if (Close(CloseCode.SlowConsumer, "client is not reading"))
        {
            _metrics.SlowConsumerClosed();
        }

        return false;
    }

    /// <summary>
    /// Asks for the connection to close with <paramref name="code"/> once the frames already queued are written.
    /// Returns false when a close was already asked for.
    /// </summary>
    public bool Close(CloseCode code, string reason)
    {
        lock (_gate)
        {
            if (_closeCode is not null)
            {
                return false;
            }

            _closeCode = code;
            _closeReason = reason;
        }

        _outgoing.Writer.TryComplete();

        // A client that does not read never takes the close frame either: give it a while, then cut it off.
        _abort.CancelAfter(_closeTimeout);
        return true;
    }

    /// <summary>Starts the single writer. Frames queued before this call are written first.</summary>
    public void StartWriter() => _writer = WriteAsync();

    /// <summary>Completes when the writer has finished and the close, if any, is sent.</summary>
    public Task WriterCompletion => _writer;

    public void Dispose() => _abort.Dispose();

    /// <summary>
    /// Writes what is queued a batch at a time: the frames already waiting, up to <see cref="GatewayOptions.MaxFramesPerWrite"/>
    /// or about <see cref="MaxBytesPerWrite"/>, then one flush. It never waits for more frames to make a batch fuller.
    /// </summary>
    private async Task WriteAsync()
    {
        var reader = _outgoing.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_abort.Token))
            {
                var frames = 0;
                var bytes = 0;
                var heartbeats = 0;
                while (frames < _maxFramesPerWrite && bytes < MaxBytesPerWrite && reader.TryRead(out var frame))
                {
                    await _transport.SendAsync(frame, _abort.Token);
                    frames++;
                    bytes += frame.Length;
                    heartbeats += frame.Length == 0 ? 1 : 0; // the events framing's comment line: written, but no frame of PROTOCOL.md
                }

                await _transport.FlushAsync(_abort.Token);
                _metrics.Delivered(frames - heartbeats);
            }

            await _transport.CloseAsync(_closeCode ?? CloseCode.Normal, _closeReason, _abort.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException || _transport.IsDisconnect(ex))
        {
            _transport.Abort();
        }
    }
}
