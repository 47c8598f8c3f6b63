using System.Collections.Concurrent;
using System.Net.WebSockets;

namespace OrleansChat.Client;

/// <summary>
/// Gets every frame the server sends, in order, on the connection's one receive loop. The frame is valid only until
/// the returned task completes; until then the loop reads no further, so a slow handler slows the server's sending
/// to this connection (and, past the server's queue bound, gets the connection closed with 4008).
/// </summary>
public delegate ValueTask ServerFrameHandler(in ServerFrame frame);

/// <summary>The server's first frame (PROTOCOL.md 3.1).</summary>
public sealed record Welcome(string SessionId, string UserId, int HeartbeatSeconds, string ServerTime);

/// <summary>
/// One WebSocket speaking PROTOCOL.md section 3: one receive loop over a pooled buffer, one writer at a time, and
/// requests answered by their <c>ref</c>, any number of them in flight at once (pipelining). It does not reconnect;
/// <see cref="ChatClient"/> does, on top of it.
/// </summary>
public sealed partial class ChatConnection : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly ChatConnectionOptions _options;
    private readonly ServerFrameHandler? _onFrame;
    private readonly ConcurrentDictionary<long, TaskCompletionSource<Reply>> _pending = new();
    private readonly TaskCompletionSource<Welcome> _welcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _ended;
    private int _disposed;

    private ChatConnection(ClientWebSocket socket, ChatConnectionOptions options, ServerFrameHandler? onFrame)
    {
        _socket = socket;
        _options = options;
        _onFrame = onFrame;
    }

    /// <summary>The server's <c>welcome</c>.</summary>
    public Welcome Welcome { get; private set; } = null!;

    /// <summary>Whether frames can still be sent and received.</summary>
    public bool IsOpen => !_ended && _socket.State == WebSocketState.Open;

    /// <summary>Completes when the receive loop has ended, whatever the reason; it never faults.</summary>
    public Task Completion => _completion.Task;

    /// <summary>The code of the server's close frame, once one has been read (PROTOCOL.md 3.4).</summary>
    public WebSocketCloseStatus? CloseStatus { get; private set; }

    /// <summary>Why the receive loop ended when it did not end with a close frame.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>
    /// Opens <c>/ws</c> at <paramref name="uri"/> and returns once the <c>welcome</c> has arrived. Every frame, the
    /// welcome included, goes to <paramref name="onFrame"/>.
    /// </summary>
    public static async Task<ChatConnection> ConnectAsync(
        Uri uri, ChatConnectionOptions options, ServerFrameHandler? onFrame = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentNullException.ThrowIfNull(options);
        var socket = new ClientWebSocket();
        if (options.KeepAliveInterval is { } keepAlive)
        {
            socket.Options.KeepAliveInterval = keepAlive;
        }

        if (options.AccessToken is { } token)
        {
            if (options.TokenInQuery)
            {
                var query = uri.Query.TrimStart('?');
                uri = new UriBuilder(uri) { Query = (query.Length > 0 ? query + "&" : "") + "access_token=" + Uri.EscapeDataString(token) }.Uri;
            }
            else
            {
                socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
            }
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.ConnectTimeout);
            if (options.Invoker is null)
            {
                await socket.ConnectAsync(uri, timeout.Token).ConfigureAwait(false);
            }
            else
            {
                await socket.ConnectAsync(uri, options.Invoker, timeout.Token).ConfigureAwait(false);
            }

            var connection = new ChatConnection(socket, options, onFrame);
            _ = connection.ReceiveLoopAsync();
            connection.Welcome = await connection._welcome.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            socket.Abort();
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Closes from this side and waits until the server's close has been read (or the token fires).</summary>
    public async Task CloseAsync(CancellationToken cancellationToken = default)
    {
        if (_socket.State == WebSocketState.Open)
        {
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", cancellationToken).ConfigureAwait(false);
        }

        await Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await CloseAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or InvalidOperationException or ObjectDisposedException or IOException)
        {
        }

        // The loop may still wait on a handler that nobody serves any more; it returns its buffer when it ends.
        _socket.Abort();
        _socket.Dispose();
    }
}
