using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json;

namespace OrleansChat.LoadGen.Targets;

/// <summary>
/// A client of the PROTOCOL.md WebSocket frames (<c>welcome</c>, <c>send</c>/<c>ack</c>, <c>ping</c>/<c>pong</c>,
/// <c>message</c>, <c>error</c>) over one socket: one reader loop, one writer at a time, replies matched by <c>ref</c>.
/// The bare WebSocket peer speaks the same frames, plus <c>join</c>/<c>joined</c>.
/// </summary>
public sealed class ProtocolSocket : IChatClient
{
    private readonly ClientWebSocket _socket;
    private readonly Action<string, long, string> _onMessage;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<Reply>> _pending = new();
    private readonly TaskCompletionSource _welcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _closing = new();
    private Task _reader = Task.CompletedTask;
    private long _nextRef;

    private ProtocolSocket(ClientWebSocket socket, Action<string, long, string> onMessage)
    {
        _socket = socket;
        _onMessage = onMessage;
    }

    public bool IsOpen => _socket.State == WebSocketState.Open;

    public static async Task<ProtocolSocket> ConnectAsync(
        Uri uri, string? bearerToken, HttpMessageInvoker invoker, Action<string, long, string> onMessage, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        if (bearerToken is not null)
        {
            socket.Options.SetRequestHeader("Authorization", $"Bearer {bearerToken}");
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            await socket.ConnectAsync(uri, invoker, timeout.Token);
            var client = new ProtocolSocket(socket, onMessage);
            client._reader = client.ReadAsync();
            await client._welcome.Task.WaitAsync(timeout.Token);
            return client;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async Task<long> SendAsync(string chatId, string clientMsgId, string content, CancellationToken cancellationToken)
    {
        var reply = await RequestAsync("send", chatId, clientMsgId, content, cancellationToken);
        return reply.Type == "ack" ? reply.Seq : throw new TargetException($"send to {chatId} answered {reply.Type} {reply.Code}: {reply.Message}");
    }

    public async Task PingAsync(CancellationToken cancellationToken)
    {
        var reply = await RequestAsync("ping", null, null, null, cancellationToken);
        if (reply.Type != "pong")
        {
            throw new TargetException($"ping answered {reply.Type} {reply.Code}");
        }
    }

    /// <summary>The bare peer's membership: join a chat's broadcast group.</summary>
    public async Task JoinAsync(string chatId, CancellationToken cancellationToken)
    {
        var reply = await RequestAsync("join", chatId, null, null, cancellationToken);
        if (reply.Type != "joined")
        {
            throw new TargetException($"join {chatId} answered {reply.Type} {reply.Code}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
                await _reader.WaitAsync(TimeSpan.FromSeconds(5));
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or TimeoutException or ObjectDisposedException)
        {
        }

        await _closing.CancelAsync();
        _socket.Abort();
        _socket.Dispose();
        _closing.Dispose();
    }

    private async Task<Reply> RequestAsync(string type, string? chatId, string? clientMsgId, string? content, CancellationToken cancellationToken)
    {
        var reference = Interlocked.Increment(ref _nextRef).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var reply = new TaskCompletionSource<Reply>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[reference] = reply;
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", type);
            writer.WriteString("ref", reference);
            if (chatId is not null)
            {
                writer.WriteString("chatId", chatId);
            }

            if (clientMsgId is not null)
            {
                writer.WriteString("clientMsgId", clientMsgId);
            }

            if (content is not null)
            {
                writer.WriteString("content", content);
            }

            writer.WriteEndObject();
        }

        try
        {
            await _sendLock.WaitAsync(cancellationToken);
            try
            {
                await _socket.SendAsync(buffer.WrittenMemory, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
            }
            finally
            {
                _sendLock.Release();
            }

            return await reply.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        }
        finally
        {
            _pending.TryRemove(reference, out _);
        }
    }

    private async Task ReadAsync()
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        try
        {
            while (true)
            {
                buffer.ResetWrittenCount();
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer.GetMemory(4096), _closing.Token);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }

                    buffer.Advance(result.Count);
                }
                while (!result.EndOfMessage);

                Handle(buffer.WrittenSpan);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            var closed = new TargetException("the connection closed");
            _welcome.TrySetException(closed);
            foreach (var pending in _pending.Values)
            {
                pending.TrySetException(closed);
            }
        }
    }

    private void Handle(ReadOnlySpan<byte> frame)
    {
        var reader = new Utf8JsonReader(frame);
        string? type = null, reference = null, chatId = null, content = null, code = null, message = null;
        long seq = 0;
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueSpan;
            reader.Read();
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
            }
            else if (name.SequenceEqual("type"u8))
            {
                type = reader.GetString();
            }
            else if (name.SequenceEqual("ref"u8))
            {
                reference = reader.GetString();
            }
            else if (name.SequenceEqual("chatId"u8))
            {
                chatId = reader.GetString();
            }
            else if (name.SequenceEqual("seq"u8))
            {
                seq = reader.GetInt64();
            }
            else if (name.SequenceEqual("content"u8))
            {
                content = reader.GetString();
            }
            else if (name.SequenceEqual("code"u8))
            {
                code = reader.GetString();
            }
            else if (name.SequenceEqual("message"u8))
            {
                message = reader.GetString();
            }
        }

        switch (type)
        {
            case "message":
                _onMessage(chatId ?? "", seq, content ?? "");
                break;
            case "welcome":
                _welcome.TrySetResult();
                break;
            default:
                if (reference is not null && _pending.TryGetValue(reference, out var pending))
                {
                    pending.TrySetResult(new Reply(type ?? "", seq, code, message));
                }
                else if (type == "error")
                {
                    Console.Error.WriteLine($"server error without a pending request: {code} {message}");
                }

                break;
        }
    }

    private readonly record struct Reply(string Type, long Seq, string? Code, string? Message);
}
