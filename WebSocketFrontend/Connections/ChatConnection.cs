using System.Threading.Channels;

namespace OrleansChat.Gateway.Connections;

/// <summary>
/// One client connection as the gateway addresses it: its user and session, a bounded queue of outgoing frames
/// drained by a single writer onto its <see cref="IFrameTransport"/>, and its close. A client that lets the queue
/// fill is closed with 4008. Live messages reach the queue through <see cref="Messages"/>, which keeps their order.
/// </summary>
public sealed class ChatConnection : IDisposable
{
    private readonly IFrameTransport _transport;
    private readonly Channel<byte[]> _outgoing;
    private readonly GatewayMetrics _metrics;
    private readonly TimeSpan _closeTimeout;
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

    private async Task WriteAsync()
    {
        try
        {
            await foreach (var frame in _outgoing.Reader.ReadAllAsync(_abort.Token))
            {
                await _transport.SendAsync(frame, _abort.Token);
                _metrics.Delivered();
            }

            await _transport.CloseAsync(_closeCode ?? CloseCode.Normal, _closeReason, _abort.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException || _transport.IsDisconnect(ex))
        {
            _transport.Abort();
        }
    }
}
