using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using OrleansChat.Client;

namespace OrleansChat.ProtocolTests;

/// <summary>
/// The tests' view of one connection of the client library (<see cref="ChatConnection"/>): every frame as JSON, in
/// order, for assertions. Frames pass through a small bounded queue that only a test's asking drains, so a socket
/// nobody reads from really stops reading. Frames read but not yet asked for wait in an inbox, in order.
/// </summary>
public sealed class ChatSocket : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private readonly Channel<JsonElement> _received = Channel.CreateBounded<JsonElement>(
        new BoundedChannelOptions(16) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly List<JsonElement> _inbox = [];
    private readonly CancellationTokenSource _disposing = new();
    private ChatConnection _connection = null!;
    private int _nextRef;
    private bool _disposed;

    private ChatSocket()
    {
    }

    /// <summary>The first frame the server sent.</summary>
    public JsonElement Welcome { get; private set; }

    /// <summary>True once the server's close frame has been read.</summary>
    public bool IsClosed { get; private set; }

    public static async Task<ChatSocket> ConnectAsync(Uri uri, string? bearerToken, HttpMessageInvoker? invoker = null)
    {
        var chat = new ChatSocket();
        var options = new ChatConnectionOptions { AccessToken = bearerToken, Invoker = invoker, ConnectTimeout = DefaultTimeout };
        chat._connection = await ChatConnection.ConnectAsync(uri, options, chat.OnFrame);
        _ = chat._connection.Completion.ContinueWith(
            _ => chat._received.Writer.TryComplete(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        chat.Welcome = await chat.ReceiveAsync();
        Assert.True(chat.Welcome.Is("welcome"), $"the first frame should be a welcome, got {chat.Welcome}");
        return chat;
    }

    /// <summary>The HTTP status the handshake answers; 101 when it upgrades.</summary>
    public static async Task<HttpStatusCode> HandshakeStatusAsync(Uri uri, string? bearerToken)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (bearerToken is not null)
        {
            socket.Options.SetRequestHeader("Authorization", $"Bearer {bearerToken}");
        }
        using var timeout = new CancellationTokenSource(DefaultTimeout);
        try
        {
            await socket.ConnectAsync(uri, timeout.Token);
            socket.Abort();
            return HttpStatusCode.SwitchingProtocols;
        }
        catch (WebSocketException)
        {
            return socket.HttpStatusCode;
        }
    }

    public string NextRef(string prefix = "r") => $"{prefix}{Interlocked.Increment(ref _nextRef)}";

    public Task SendAsync(object frame) => SendBytesAsync(JsonSerializer.SerializeToUtf8Bytes(frame));

    public Task SendTextAsync(string text) => SendBytesAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendBytesAsync(byte[] utf8)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _connection.SendTextFrameAsync(utf8, timeout.Token);
    }

    /// <summary>The next frame, whatever it is.</summary>
    public Task<JsonElement> ReceiveAsync(TimeSpan? timeout = null) => ReceiveUntilAsync(_ => true, timeout);

    /// <summary>The first frame of a type (in a chat, matching a condition); other frames stay in the inbox.</summary>
    public Task<JsonElement> ReceiveAsync(string type, string? chatId = null, Func<JsonElement, bool>? where = null, TimeSpan? timeout = null) =>
        ReceiveUntilAsync(f => f.Is(type, chatId) && (where is null || where(f)), timeout);

    /// <summary>The first frame, oldest first, that matches; frames that don't match stay in the inbox.</summary>
    public async Task<JsonElement> ReceiveUntilAsync(Func<JsonElement, bool> predicate, TimeSpan? timeout = null)
    {
        var index = _inbox.FindIndex(f => predicate(f));
        if (index >= 0)
        {
            var found = _inbox[index];
            _inbox.RemoveAt(index);
            return found;
        }
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            var frame = await ReadNextAsync(deadline);
            if (predicate(frame))
            {
                return frame;
            }
            _inbox.Add(frame);
        }
    }

    /// <summary>
    /// Waits for the first frame that matches and returns, in the order they came, the unconsumed frames before it;
    /// all of them, and the match, are consumed.
    /// </summary>
    public async Task<IReadOnlyList<JsonElement>> ReceiveBeforeAsync(Func<JsonElement, bool> predicate, TimeSpan? timeout = null)
    {
        var index = _inbox.FindIndex(f => predicate(f));
        if (index < 0)
        {
            await ReceiveUntilAsync(predicate, timeout);
            index = _inbox.Count;
        }
        else
        {
            _inbox.RemoveAt(index);
        }

        var before = _inbox.Take(index).ToList();
        _inbox.RemoveRange(0, index);
        return before;
    }

    /// <summary>
    /// Waits for the <c>synced</c> with this ref; returns it and the <c>message</c> frames that came before it,
    /// in the order they came. Other frames stay in the inbox.
    /// </summary>
    public async Task<(IReadOnlyList<JsonElement> Messages, JsonElement Synced)> ReceiveSyncedAsync(string reference, TimeSpan? timeout = null)
    {
        var synced = await ReceiveAsync("synced", where: f => f.TextOrNull("ref") == reference, timeout: timeout);
        var messages = _inbox.Where(f => f.Is("message")).ToList();
        _inbox.RemoveAll(f => f.Is("message"));
        return (messages, synced);
    }

    /// <summary>Sends a ping and waits for its pong; returns every unconsumed frame that arrived before it.</summary>
    public async Task<IReadOnlyList<JsonElement>> RoundTripAsync(TimeSpan? timeout = null)
    {
        var reference = NextRef("ping-");
        await SendAsync(new { type = "ping", @ref = reference });
        await ReceiveAsync("pong", where: f => f.TextOrNull("ref") == reference, timeout: timeout);
        return [.. _inbox];
    }

    /// <summary>Asserts that no frame matching arrives before the pong of a ping sent now.</summary>
    public async Task AssertNothingAsync(Func<JsonElement, bool> predicate, string what)
    {
        var before = await RoundTripAsync();
        var unexpected = before.Where(predicate).ToList();
        Assert.True(unexpected.Count == 0, $"expected no {what}, got {string.Join(", ", unexpected)}");
    }

    /// <summary>Reads until the server closes; returns the close code and the frames before it.</summary>
    public async Task<(int? Code, IReadOnlyList<JsonElement> Frames)> ReceiveCloseAsync(TimeSpan? timeout = null)
    {
        var frames = new List<JsonElement>(_inbox);
        _inbox.Clear();
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        try
        {
            while (true)
            {
                frames.Add(await ReadNextAsync(deadline));
            }
        }
        catch (SocketClosedException)
        {
            return ((int?)_connection.CloseStatus, frames);
        }
        catch (ConnectionLostException e)
        {
            throw new Xunit.Sdk.XunitException($"the connection ended without a close frame ({e.Message}) after {frames.Count} frames");
        }
    }

    /// <summary>Closes from the client side and waits for the server's close.</summary>
    public async Task DisconnectAsync()
    {
        if (_connection.IsOpen && !IsClosed)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var closing = _connection.CloseAsync(timeout.Token);
            var deadline = DateTime.UtcNow.AddSeconds(5);
            try
            {
                while (true)
                {
                    await ReadNextAsync(deadline);
                }
            }
            catch (SocketClosedException)
            {
            }
            await closing;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        try
        {
            await DisconnectAsync();
        }
        catch (Exception e) when (e is WebSocketException or TimeoutException or OperationCanceledException or InvalidOperationException
            or IOException or ConnectionLostException or ChatConnectionException)
        {
        }
        // A receive loop still waiting to hand this socket a frame gives up.
        await _disposing.CancelAsync();
        await _connection.DisposeAsync();
        _disposing.Dispose();
    }

    private ValueTask OnFrame(in ServerFrame frame) => _received.Writer.WriteAsync(frame.ToJsonElement(), _disposing.Token);

    private async Task<JsonElement> ReadNextAsync(DateTime deadline)
    {
        if (IsClosed)
        {
            throw new SocketClosedException();
        }
        var remaining = deadline - DateTime.UtcNow;
        using var timeout = new CancellationTokenSource(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
        try
        {
            return await _received.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"no matching frame in time; unconsumed frames: [{string.Join(", ", _inbox)}]");
        }
        catch (ChannelClosedException)
        {
            if (_connection.CloseStatus is null)
            {
                throw new ConnectionLostException(_connection.Failure?.Message ?? "no close frame");
            }
            IsClosed = true;
            throw new SocketClosedException();
        }
    }

    private sealed class SocketClosedException : Exception
    {
        public SocketClosedException() : base("the server closed the socket")
        {
        }
    }

    private sealed class ConnectionLostException(string message) : Exception(message);
}
