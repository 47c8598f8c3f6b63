using System.Net.WebSockets;
using System.Threading.Channels;

namespace OrleansChat.Gateway.Connections;

/// <summary>
/// One client socket: a bounded queue of outgoing frames drained by a single writer, and the per-chat seq
/// bookkeeping that keeps <c>message</c> frames in strictly increasing seq (live deliveries wait while a
/// <c>sync</c> of their chat is answered). A client that lets its queue fill is closed with 4008.
/// </summary>
public sealed partial class ChatConnection : IDisposable
{
    /// <summary>PROTOCOL.md 3.4: a client that does not read what is sent to it.</summary>
    public const WebSocketCloseStatus SlowConsumer = (WebSocketCloseStatus)4008;

    private readonly WebSocket _socket;
    private readonly Channel<byte[]> _outgoing;
    private readonly GatewayMetrics _metrics;
    private readonly TimeSpan _closeTimeout;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _lastSeq = [];
    private readonly Dictionary<string, long> _membershipVersions = [];
    private readonly Dictionary<string, List<(long Seq, byte[] Frame)>> _syncing = [];
    private readonly CancellationTokenSource _abort = new();
    private readonly int _maxSendsInFlight;
    private Queue<AnswerSlot>? _unanswered; // the sends read and not answered yet, oldest first; made at the first send
    private TaskCompletionSource? _sendSlotFreed;
    private TaskCompletionSource? _sendsAnswered;
    private WebSocketCloseStatus? _closeStatus;
    private string? _closeReason;
    private Task _writer = Task.CompletedTask;

    public ChatConnection(WebSocket socket, string userId, string sessionId, GatewayOptions options, GatewayMetrics metrics)
    {
        _socket = socket;
        _metrics = metrics;
        _closeTimeout = TimeSpan.FromSeconds(options.CloseTimeoutSeconds);
        _maxSendsInFlight = options.MaxSendsInFlight;
        UserId = userId;
        SessionId = sessionId;
        _outgoing = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(options.SendQueueLimit)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public string UserId { get; }

    public string SessionId { get; }

    /// <summary>Whether a close has been asked for; frames that arrive afterwards are not handled.</summary>
    public bool IsClosing => _closeStatus is not null;

    /// <summary>Cancelled when the socket is aborted.</summary>
    public CancellationToken Aborted => _abort.Token;

    /// <summary>Queues a frame; a full queue closes the connection with 4008. Never waits.</summary>
    public bool Enqueue(byte[] frame)
    {
        if (_outgoing.Writer.TryWrite(frame))
        {
            return true;
        }

        if (Close(SlowConsumer, "client is not reading"))
        {
            _metrics.SlowConsumerClosed();
        }

        return false;
    }

    /// <summary>Queues a live <c>message</c> frame unless its seq was already sent here or a sync of its chat is in progress.</summary>
    public void DeliverMessage(string chatId, long seq, byte[] frame)
    {
        lock (_gate)
        {
            if (_syncing.TryGetValue(chatId, out var held))
            {
                held.Add((seq, frame));
                return;
            }

            if (_lastSeq.TryGetValue(chatId, out var last) && seq <= last)
            {
                return;
            }

            _lastSeq[chatId] = seq;
            Enqueue(frame);
        }
    }

    /// <summary>
    /// Completes when this connection may start another send: fewer than <see cref="GatewayOptions.MaxSendsInFlight"/>
    /// are waiting for their answer. Called by the one reader of the connection, in frame order; the slot it returns
    /// takes the send's answer (<see cref="Answer"/>).
    /// </summary>
    public async Task<AnswerSlot> WaitToSendAsync()
    {
        while (true)
        {
            Task freed;
            lock (_gate)
            {
                _unanswered ??= new Queue<AnswerSlot>();
                if (_unanswered.Count < _maxSendsInFlight)
                {
                    var slot = new AnswerSlot();
                    _unanswered.Enqueue(slot);
                    return slot;
                }

                freed = (_sendSlotFreed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }

            await freed;
        }
    }

    /// <summary>
    /// Queues a send's answer (its ack or error). Answers go out in the order the sends were read: one whose earlier
    /// sends are still waiting (say, in a slower chat) waits for them.
    /// </summary>
    public void Answer(AnswerSlot slot, byte[] frame)
    {
        TaskCompletionSource? freed = null;
        TaskCompletionSource? answered = null;
        lock (_gate)
        {
            slot.Frame = frame;
            var unanswered = _unanswered!;
            var written = unanswered.Count;
            while (unanswered.TryPeek(out var oldest) && oldest.Frame is { } ready)
            {
                unanswered.Dequeue();
                Enqueue(ready);
            }

            if (unanswered.Count < written)
            {
                (freed, _sendSlotFreed) = (_sendSlotFreed, null);
            }

            if (unanswered.Count == 0)
            {
                (answered, _sendsAnswered) = (_sendsAnswered, null);
            }
        }

        freed?.TrySetResult();
        answered?.TrySetResult();
    }

    /// <summary>Completes when every send read so far is answered.</summary>
    public Task SendsAnsweredAsync()
    {
        lock (_gate)
        {
            return _unanswered is not { Count: > 0 }
                ? Task.CompletedTask
                : (_sendsAnswered ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }

    /// <summary>Records a change of this user's membership in a chat unless a newer one was already applied.</summary>
    public bool TryAdvanceMembership(string chatId, long version)
    {
        lock (_gate)
        {
            if (_membershipVersions.GetValueOrDefault(chatId) >= version)
            {
                return false;
            }

            _membershipVersions[chatId] = version;
            return true;
        }
    }

    /// <summary>Whether <paramref name="version"/> is still the newest membership change applied for the chat.</summary>
    public bool IsCurrentMembership(string chatId, long version)
    {
        lock (_gate)
        {
            return _membershipVersions.GetValueOrDefault(chatId) == version;
        }
    }

    /// <summary>Live messages of the chat are held back until <see cref="EndSync"/>.</summary>
    public void BeginSync(string chatId)
    {
        lock (_gate)
        {
            _syncing[chatId] = [];
        }
    }

    /// <summary>Queues the synced frames, then the live ones that came meanwhile and are newer.</summary>
    public void EndSync(string chatId, IReadOnlyList<(long Seq, byte[] Frame)> synced)
    {
        lock (_gate)
        {
            if (!_syncing.Remove(chatId, out var held))
            {
                return;
            }

            var last = _lastSeq.GetValueOrDefault(chatId);
            foreach (var (seq, frame) in synced)
            {
                Enqueue(frame);
                last = Math.Max(last, seq);
            }

            foreach (var (seq, frame) in held.OrderBy(h => h.Seq))
            {
                if (seq > last)
                {
                    Enqueue(frame);
                    last = seq;
                }
            }

            _lastSeq[chatId] = last;
        }
    }

    /// <summary>
    /// Asks for the connection to close with <paramref name="status"/> once the frames already queued are written.
    /// Returns false when a close was already asked for.
    /// </summary>
    public bool Close(WebSocketCloseStatus status, string reason)
    {
        lock (_gate)
        {
            if (_closeStatus is not null)
            {
                return false;
            }

            _closeStatus = status;
            _closeReason = reason;
        }

        _outgoing.Writer.TryComplete();

        // A client that does not read never takes the close frame either: give it a while, then cut it off.
        _abort.CancelAfter(_closeTimeout);
        return true;
    }

    /// <summary>Starts the single writer. Frames queued before this call are written first.</summary>
    public void StartWriter() => _writer = WriteAsync();

    /// <summary>Completes when the writer has finished and the close frame, if any, is sent.</summary>
    public Task WriterCompletion => _writer;

    /// <summary>Cuts the socket off at once, without a close handshake.</summary>
    public void Abort()
    {
        _abort.Cancel();
        _socket.Abort();
    }

    public void Dispose() => _abort.Dispose();

    private async Task WriteAsync()
    {
        try
        {
            await foreach (var frame in _outgoing.Reader.ReadAllAsync(_abort.Token))
            {
                await _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, _abort.Token);
                _metrics.Delivered();
            }

            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync(_closeStatus ?? WebSocketCloseStatus.NormalClosure, _closeReason, _abort.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            _socket.Abort();
        }
    }
}

/// <summary>Where a send's answer waits until the answers of the sends read before it are written.</summary>
public sealed class AnswerSlot
{
    internal byte[]? Frame { get; set; }
}
