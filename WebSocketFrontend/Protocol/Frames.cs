using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace OrleansChat.Gateway.Protocol;

/// <summary>
/// Every WebSocket frame the server sends (PROTOCOL.md 3), written by hand into UTF-8 bytes: a fan-out writes a frame
/// once and sends the same bytes to every socket. REST bodies are the framework's (Rest/Answers.cs), with the same
/// field names and formats.
/// </summary>
public static partial class Frames
{
    // Frames go over WebSocket and JSON bodies, never into HTML: non-ASCII text stays as it is.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    public static byte[] Welcome(string sessionId, string userId, int heartbeatSeconds, DateTimeOffset serverTime) => Write(w =>
    {
        w.WriteString("type", "welcome");
        w.WriteString("sessionId", sessionId);
        w.WriteString("userId", userId);
        w.WriteNumber("heartbeatSeconds", heartbeatSeconds);
        w.WriteString("serverTime", Times.ToWire(serverTime));
    });

    public static byte[] Ack(string? reference, SendResult result) => Write(w =>
    {
        w.WriteString("type", "ack");
        WriteRef(w, reference);
        WriteSendResult(w, result);
    });

    public static byte[] Message(ChatMessage message) => Write(w => WriteMessage(w, message));

    public static byte[] Synced(string? reference, IEnumerable<(string ChatId, long LastSeq, bool HasMore)> chats) => Write(w =>
    {
        w.WriteString("type", "synced");
        WriteRef(w, reference);
        w.WriteStartArray("chats");
        foreach (var (chatId, lastSeq, hasMore) in chats)
        {
            w.WriteStartObject();
            w.WriteString("chatId", chatId);
            w.WriteNumber("lastSeq", lastSeq);
            w.WriteBoolean("hasMore", hasMore);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    });

    public static byte[] Typing(TypingChanged typing) => Write(w =>
    {
        w.WriteString("type", "typing");
        w.WriteString("chatId", typing.ChatId);
        w.WriteString("userId", typing.UserId);
        w.WriteString("state", typing.Typing ? "start" : "stop");
    });

    public static byte[] Receipt(ReceiptChanged receipt) => Write(w =>
    {
        w.WriteString("type", "receipt");
        w.WriteString("chatId", receipt.ChatId);
        w.WriteString("userId", receipt.UserId);
        w.WriteNumber("readSeq", receipt.ReadSeq);
        w.WriteNumber("deliveredSeq", receipt.DeliveredSeq);
    });

    public static byte[] Presence(Presence presence) => Write(w =>
    {
        w.WriteString("type", "presence");
        w.WriteString("userId", presence.UserId);
        w.WriteString("status", presence.Status == PresenceStatus.Online ? "online" : "offline");
        WriteTime(w, "lastSeen", presence.LastSeen);
    });

    public static byte[] Chat(MembershipChanged change) => Write(w =>
    {
        w.WriteString("type", "chat");
        w.WriteString("chatId", change.Chat.ChatId);
        w.WriteString("event", change.Change switch
        {
            MembershipChange.Created => "created",
            MembershipChange.MemberAdded => "member_added",
            _ => "member_removed",
        });
        w.WriteString("userId", change.UserId);
        w.WritePropertyName("chat");
        WriteChat(w, change.Chat);
    });

    public static byte[] Error(string code, string message, string? reference, int? retryAfterMs = null, string? chatId = null) =>
        Error(new ProtocolError(code, 0, message, retryAfterMs), reference, chatId);

    /// <summary>The <c>error</c> frame of a mapped failure; an <c>internal</c> one carries the trace id of its log line.</summary>
    public static byte[] Error(ProtocolError error, string? reference, string? chatId = null) => Write(w =>
    {
        w.WriteString("type", "error");
        w.WriteString("code", error.Code);
        w.WriteString("message", error.Message);
        WriteRef(w, reference);
        if (error.RetryAfterMs is { } retry)
        {
            w.WriteNumber("retryAfterMs", retry);
        }

        if (chatId is not null)
        {
            w.WriteString("chatId", chatId);
        }

        if (error.TraceId is not null)
        {
            w.WriteString("traceId", error.TraceId);
        }
    });

    public static byte[] Pong(string? reference) => Write(w =>
    {
        w.WriteString("type", "pong");
        WriteRef(w, reference);
    });

    private static void WriteSendResult(Utf8JsonWriter w, SendResult result)
    {
        w.WriteString("chatId", result.ChatId);
        w.WriteString("clientMsgId", result.ClientMsgId);
        w.WriteString("messageId", result.MessageId.ToString("D"));
        w.WriteNumber("seq", result.Seq);
        w.WriteString("sentAt", Times.ToWire(result.SentAt));
        if (result.JobId is { } jobId)
        {
            w.WriteString("jobId", jobId);
        }
    }

    private static void WriteChat(Utf8JsonWriter w, ChatInfo chat)
    {
        w.WriteStartObject();
        w.WriteString("chatId", chat.ChatId);
        w.WriteString("type", chat.Type == ChatType.Direct ? "direct" : "group");
        w.WriteString("title", chat.Title);
        w.WriteString("ownerId", chat.OwnerId);
        w.WriteStartArray("members");
        foreach (var member in chat.Members)
        {
            w.WriteStringValue(member.UserId);
        }

        w.WriteEndArray();
        w.WriteString("createdAt", Times.ToWire(chat.CreatedAt));
        w.WriteNumber("lastSeq", chat.LastSeq);
        w.WriteEndObject();
    }

    private static void WriteRef(Utf8JsonWriter w, string? reference)
    {
        if (reference is not null)
        {
            w.WriteString("ref", reference);
        }
    }

    private static void WriteTime(Utf8JsonWriter w, string name, DateTimeOffset? time)
    {
        if (time is { } t)
        {
            w.WriteString(name, Times.ToWire(t));
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
