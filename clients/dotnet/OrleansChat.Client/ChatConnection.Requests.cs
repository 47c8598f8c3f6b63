using System.Buffers;
using System.Buffers.Text;
using System.Net.WebSockets;
using System.Text.Json;

namespace OrleansChat.Client;

/// <summary>The client frames of PROTOCOL.md 3.2, each written once into the connection's reused buffer.</summary>
public sealed partial class ChatConnection
{
    private const string SyncType = "sync";

    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private ArrayBufferWriter<byte>? _written;
    private Utf8JsonWriter? _writer;
    private long _nextRef;

    /// <summary>Sends a text message and completes with its <c>ack</c>; an <c>error</c> reply throws <see cref="ChatErrorException"/>.</summary>
    public async Task<Ack> SendAsync(string chatId, string clientMsgId, string content, CancellationToken cancellationToken = default)
    {
        var reply = await AskAsync("send", (chatId, clientMsgId, content), static (writer, send) =>
        {
            writer.WriteString("chatId"u8, send.chatId);
            writer.WriteString("clientMsgId"u8, send.clientMsgId);
            writer.WriteString("content"u8, send.content);
        }, cancellationToken).ConfigureAwait(false);
        return reply.Type == FrameType.Ack
            ? new Ack(chatId, clientMsgId, reply.Seq, reply.MessageId ?? "", reply.SentAt ?? "")
            : throw reply.ToException("send");
    }

    /// <summary>
    /// Asks for what each chat holds after its cursor; the <c>message</c> frames arrive at the frame handler, in seq
    /// order, before this completes with the <c>synced</c> reply.
    /// </summary>
    public async Task<IReadOnlyList<SyncedChat>> SyncAsync(IReadOnlyCollection<SyncCursor> chats, int? limit = null, CancellationToken cancellationToken = default)
    {
        var reply = await AskAsync(SyncType, (chats, limit), static (writer, sync) =>
        {
            writer.WriteStartArray("chats"u8);
            foreach (var chat in sync.chats)
            {
                writer.WriteStartObject();
                writer.WriteString("chatId"u8, chat.ChatId);
                writer.WriteNumber("afterSeq"u8, chat.AfterSeq);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            if (sync.limit is { } perChat)
            {
                writer.WriteNumber("limit"u8, perChat);
            }
        }, cancellationToken).ConfigureAwait(false);
        return reply.Type == FrameType.Synced ? reply.Chats ?? [] : throw reply.ToException("sync");
    }

    /// <summary>A round trip: completes when the <c>pong</c> arrives.</summary>
    public async Task PingAsync(CancellationToken cancellationToken = default)
    {
        var reply = await AskAsync<object?>("ping", null, null, cancellationToken).ConfigureAwait(false);
        if (reply.Type != FrameType.Pong)
        {
            throw reply.ToException("ping");
        }
    }

    /// <summary>Says that this user started or stopped typing in a chat.</summary>
    public Task TypingAsync(string chatId, bool typing, CancellationToken cancellationToken = default) =>
        WriteAsync("typing", 0, (chatId, typing), static (writer, t) =>
        {
            writer.WriteString("chatId"u8, t.chatId);
            writer.WriteString("state"u8, t.typing ? "start"u8 : "stop"u8);
        }, cancellationToken);

    /// <summary>Raises this user's read seq in a chat (a <c>read</c> receipt).</summary>
    public Task ReadAsync(string chatId, long seq, CancellationToken cancellationToken = default) =>
        WriteAsync("read", 0, (chatId, seq), WriteChatSeq, cancellationToken);

    /// <summary>Says that this device has received a chat up to <paramref name="seq"/>.</summary>
    public Task DeliveredAsync(string chatId, long seq, CancellationToken cancellationToken = default) =>
        WriteAsync("delivered", 0, (chatId, seq), WriteChatSeq, cancellationToken);

    /// <summary>Asks for <c>presence</c> frames about these users: their status now, then each change.</summary>
    public Task WatchPresenceAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken = default) =>
        WriteAsync("watch_presence", 0, userIds, static (writer, users) =>
        {
            writer.WriteStartArray("userIds"u8);
            foreach (var user in users)
            {
                writer.WriteStringValue(user);
            }

            writer.WriteEndArray();
        }, cancellationToken);

    /// <summary>
    /// Any other request: a frame of <paramref name="type"/> with a <c>ref</c> of this connection and the fields
    /// <paramref name="writeFields"/> writes; completes with the type name of the reply that carries the same ref
    /// (an <c>error</c> reply throws).
    /// </summary>
    public async Task<string> RequestAsync<TState>(string type, TState state, Action<Utf8JsonWriter, TState> writeFields, CancellationToken cancellationToken = default)
    {
        var reply = await AskAsync(type, state, writeFields, cancellationToken).ConfigureAwait(false);
        return reply.Type == FrameType.Error ? throw reply.ToException(type) : reply.TypeName;
    }

    /// <summary>Sends a text frame exactly as given (for frames this library does not write).</summary>
    public async Task SendTextFrameAsync(ReadOnlyMemory<byte> utf8, CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await SendWrittenAsync(utf8, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private static void WriteChatSeq(Utf8JsonWriter writer, (string ChatId, long Seq) receipt)
    {
        writer.WriteString("chatId"u8, receipt.ChatId);
        writer.WriteNumber("seq"u8, receipt.Seq);
    }

    private async Task<Reply> AskAsync<TState>(string type, TState state, Action<Utf8JsonWriter, TState>? writeFields, CancellationToken cancellationToken)
    {
        var number = Interlocked.Increment(ref _nextRef);
        // The request's type rides along as the task's state, for the replies that depend on it.
        var reply = new TaskCompletionSource<Reply>(type, TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[number] = reply;
        try
        {
            // After registering: End marks the connection ended before it fails what is pending, so a request is
            // either failed by End or sees the mark here.
            if (_ended)
            {
                throw new ChatConnectionException("the connection is closed", Failure);
            }

            await WriteAsync(type, number, state, writeFields, cancellationToken).ConfigureAwait(false);
            return await reply.Task.WaitAsync(_options.RequestTimeout, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _pending.TryRemove(number, out _);
        }
    }

    private async Task WriteAsync<TState>(string type, long reference, TState state, Action<Utf8JsonWriter, TState>? writeFields, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await SendWrittenAsync(Write(type, reference, state, writeFields), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Writes one frame into the reused buffer; called under the write lock.</summary>
    private ReadOnlyMemory<byte> Write<TState>(string type, long reference, TState state, Action<Utf8JsonWriter, TState>? writeFields)
    {
        _written ??= new ArrayBufferWriter<byte>(256);
        _written.ResetWrittenCount();
        if (_writer is null)
        {
            _writer = new Utf8JsonWriter(_written);
        }
        else
        {
            _writer.Reset(_written);
        }

        _writer.WriteStartObject();
        _writer.WriteString("type"u8, type);
        if (reference > 0)
        {
            Span<byte> digits = stackalloc byte[20];
            Utf8Formatter.TryFormat(reference, digits, out var length);
            _writer.WriteString("ref"u8, digits[..length]);
        }

        writeFields?.Invoke(_writer, state);
        _writer.WriteEndObject();
        _writer.Flush();
        return _written.WrittenMemory;
    }

    private async Task SendWrittenAsync(ReadOnlyMemory<byte> utf8, CancellationToken cancellationToken)
    {
        try
        {
            await _socket.SendAsync(utf8, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or InvalidOperationException or IOException)
        {
            throw new ChatConnectionException("the connection is closed", e);
        }
    }
}
