using System.Text.Json;

namespace OrleansChat.Client;

/// <summary>
/// The reply to one of this connection's requests, taken from the frame while it is valid: only the fields its type
/// needs are decoded (an ack's id and time, an error's code and text, a synced's chats).
/// </summary>
internal readonly record struct Reply(
    FrameType Type, string TypeName, long Seq, string? MessageId, string? SentAt, string? Code, string? Message, long? RetryAfterMs,
    IReadOnlyList<SyncedChat>? Chats)
{
    public static Reply From(in ServerFrame frame) => frame.Type switch
    {
        FrameType.Ack => new(frame.Type, "ack", frame.Seq, frame.MessageId, frame.SentAt, null, null, null, null),
        FrameType.Error => new(frame.Type, "error", 0, null, null, frame.Code, frame.Message, frame.GetInt64("retryAfterMs"u8), null),
        FrameType.Synced => new(frame.Type, "synced", 0, null, null, null, null, null, SyncedChats(frame.Utf8)),
        _ => new(frame.Type, frame.TypeName, frame.Seq, null, null, null, null, null, null),
    };

    public Exception ToException(string request) => Type == FrameType.Error
        ? new ChatErrorException(Code ?? "internal", Message ?? "", RetryAfterMs)
        : new ChatConnectionException($"{request} was answered with '{TypeName}'");

    private static SyncedChat[] SyncedChats(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8);
        using var document = JsonDocument.ParseValue(ref reader);
        if (!document.RootElement.TryGetProperty("chats", out var chats) || chats.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        return [.. chats.EnumerateArray().Select(chat => new SyncedChat(
            chat.GetProperty("chatId").GetString() ?? "",
            chat.TryGetProperty("lastSeq", out var last) ? last.GetInt64() : 0,
            chat.TryGetProperty("hasMore", out var more) && more.ValueKind == JsonValueKind.True))];
    }
}
