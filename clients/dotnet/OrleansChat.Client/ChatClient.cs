using System.Collections.Concurrent;
using System.Threading.Channels;

namespace OrleansChat.Client;

/// <summary>
/// A chat user's connection as an application wants it: it reconnects with backoff when the connection drops,
/// resumes every chat it knows from the last seq it holds, sends again what was not acknowledged (with the same
/// client message id, so the server stores it once), and delivers each chat's messages once and in seq order.
/// </summary>
public sealed partial class ChatClient : IAsyncDisposable
{
    private readonly ChatClientOptions _options;
    private readonly ChatCursors _cursors;
    private readonly Channel<ChatMessage> _messages = Channel.CreateUnbounded<ChatMessage>(new() { SingleWriter = true });
    private readonly Channel<ChatEvent> _events = Channel.CreateBounded<ChatEvent>(
        new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest, SingleWriter = true });
    private readonly ConcurrentDictionary<(string ChatId, string ClientMsgId), PendingSend> _unacked = new();
    private readonly HashSet<string> _watched = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private volatile ChatConnection? _connection;
    private Task _running = Task.CompletedTask;
    private long _sendOrder;

    public ChatClient(ChatClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _cursors = new ChatCursors(message => _messages.Writer.TryWrite(message));
    }

    /// <summary>Every chat's messages, each once, in seq order within its chat.</summary>
    public ChannelReader<ChatMessage> Messages => _messages.Reader;

    /// <summary>Typing, receipts, presence, chat changes, and errors without a ref or about a chat; the oldest are dropped past 1,024 unread.</summary>
    public ChannelReader<ChatEvent> Events => _events.Reader;

    /// <summary>Raised with the <c>welcome</c> of each connection, the first and every reconnect.</summary>
    public event EventHandler<Welcome>? Connected;

    /// <summary>Raised when a connection is lost; the client is already trying to reconnect.</summary>
    public event EventHandler<Exception?>? Disconnected;

    /// <summary>The current connection's <c>welcome</c>, or null while disconnected.</summary>
    public Welcome? Welcome => _connection is { IsOpen: true } connection ? connection.Welcome : null;

    /// <summary>Connects for the first time; a failure here throws, later drops are retried in the background.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        var connection = await ConnectOnceAsync(cancellationToken).ConfigureAwait(false);
        Resume(connection);
        _running = RunAsync(connection);
    }

    /// <summary>The last seq delivered from a chat (0 before any).</summary>
    public long LastSeq(string chatId) => _cursors.LastSeq(chatId);

    /// <summary>
    /// Follows a chat from <paramref name="lastSeq"/>, the last seq the application already holds: after a reconnect it
    /// is synced from there. Chats the client receives messages from are followed by themselves, from 0.
    /// </summary>
    public void Track(string chatId, long lastSeq = 0) => _cursors.Track(chatId, lastSeq);

    /// <summary>
    /// Sends a message and completes with its <c>ack</c>, across reconnects: until acknowledged it is sent again on
    /// each new connection with the same <paramref name="clientMsgId"/> (a new UUID when null). An <c>error</c> reply
    /// throws <see cref="ChatErrorException"/>.
    /// </summary>
    public Task<Ack> SendAsync(string chatId, string content, string? clientMsgId = null, CancellationToken cancellationToken = default) =>
        SendAsync(chatId, OutgoingMessage.Text(content), clientMsgId, cancellationToken);

    /// <summary>Sends a text that answers the text at <paramref name="replyTo"/>, as <see cref="SendAsync(string, string, string?, CancellationToken)"/> does.</summary>
    public Task<Ack> SendAsync(string chatId, string content, long replyTo, string? clientMsgId = null, CancellationToken cancellationToken = default) =>
        SendAsync(chatId, OutgoingMessage.Text(content, replyTo), clientMsgId, cancellationToken);

    /// <summary>Replaces the content of this user's text at <paramref name="target"/>; sent again across reconnects until acknowledged.</summary>
    public Task<Ack> EditAsync(string chatId, long target, string content, string? clientMsgId = null, CancellationToken cancellationToken = default) =>
        SendAsync(chatId, OutgoingMessage.Edit(target, content), clientMsgId, cancellationToken);

    /// <summary>Deletes the text at <paramref name="target"/> for everyone; sent again across reconnects until acknowledged.</summary>
    public Task<Ack> DeleteAsync(string chatId, long target, string? clientMsgId = null, CancellationToken cancellationToken = default) =>
        SendAsync(chatId, OutgoingMessage.Delete(target), clientMsgId, cancellationToken);

    /// <summary>Adds (or with <paramref name="remove"/> takes away) this user's reaction on the text at <paramref name="target"/>.</summary>
    public Task<Ack> ReactAsync(
        string chatId, long target, string emoji, bool remove = false, string? clientMsgId = null, CancellationToken cancellationToken = default) =>
        SendAsync(chatId, OutgoingMessage.Reaction(target, emoji, remove), clientMsgId, cancellationToken);

    /// <summary>
    /// Sends a text or a change (PROTOCOL.md 6.1) and completes with its <c>ack</c>, across reconnects, as a text is sent.
    /// </summary>
    public Task<Ack> SendAsync(string chatId, OutgoingMessage message, string? clientMsgId = null, CancellationToken cancellationToken = default)
    {
        var send = new PendingSend(chatId, clientMsgId ?? Guid.CreateVersion7().ToString(), message, Interlocked.Increment(ref _sendOrder));
        var pending = _unacked.GetOrAdd((send.ChatId, send.ClientMsgId), send);
        if (ReferenceEquals(pending, send))
        {
            _ = TransmitAsync(send);
        }

        return pending.Acked.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Says that this user started or stopped typing; not retried when disconnected.</summary>
    public Task TypingAsync(string chatId, bool typing, CancellationToken cancellationToken = default) =>
        Current.TypingAsync(chatId, typing, cancellationToken);

    /// <summary>Raises this user's read seq in a chat; not retried when disconnected.</summary>
    public Task ReadAsync(string chatId, long seq, CancellationToken cancellationToken = default) =>
        Current.ReadAsync(chatId, seq, cancellationToken);

    /// <summary>Says this device has received a chat up to <paramref name="seq"/>; not retried when disconnected.</summary>
    public Task DeliveredAsync(string chatId, long seq, CancellationToken cancellationToken = default) =>
        Current.DeliveredAsync(chatId, seq, cancellationToken);

    /// <summary>Watches these users' presence, on this connection and every later one.</summary>
    public Task WatchPresenceAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        lock (_watched)
        {
            _watched.UnionWith(userIds);
        }

        return _connection is { IsOpen: true } connection ? connection.WatchPresenceAsync(userIds, cancellationToken) : Task.CompletedTask;
    }

    /// <summary>A round trip to the server.</summary>
    public Task PingAsync(CancellationToken cancellationToken = default) => Current.PingAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_connection is { } connection)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        await _running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        foreach (var send in _unacked.Values)
        {
            send.Acked.TrySetException(new ObjectDisposedException(nameof(ChatClient)));
        }

        // _stopping stays undisposed: sends still unwinding read its token, and it holds no timer to release.
        _messages.Writer.TryComplete();
        _events.Writer.TryComplete();
    }

    private ChatConnection Current =>
        _connection is { IsOpen: true } connection ? connection : throw new ChatConnectionException("not connected; the client is reconnecting");

    /// <summary>Sends on the current connection; a send whose connection drops waits for the next one.</summary>
    private async Task TransmitAsync(PendingSend send)
    {
        while (!_stopping.IsCancellationRequested)
        {
            var connection = _connection;
            if (connection is null || !connection.IsOpen)
            {
                return;
            }

            try
            {
                var ack = await connection.SendAsync(send.ChatId, send.ClientMsgId, send.Message, _stopping.Token).ConfigureAwait(false);
                Finish(send).TrySetResult(ack);
                return;
            }
            catch (ChatErrorException e)
            {
                Finish(send).TrySetException(e);
                return;
            }
            catch (Exception e) when (e is ChatConnectionException or TimeoutException or OperationCanceledException)
            {
                // A connection that replaced this one meanwhile may already have sent everything unacknowledged
                // without this send: try it there. Otherwise the next connection sends it.
                if (ReferenceEquals(_connection, connection))
                {
                    return;
                }
            }
        }
    }

    private TaskCompletionSource<Ack> Finish(PendingSend send)
    {
        _unacked.TryRemove(new KeyValuePair<(string, string), PendingSend>((send.ChatId, send.ClientMsgId), send));
        return send.Acked;
    }

    private sealed class PendingSend(string chatId, string clientMsgId, OutgoingMessage message, long order)
    {
        public string ChatId { get; } = chatId;

        public string ClientMsgId { get; } = clientMsgId;

        public OutgoingMessage Message { get; } = message;

        /// <summary>The order the application sent in, kept when sending again.</summary>
        public long Order { get; } = order;

        public TaskCompletionSource<Ack> Acked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
