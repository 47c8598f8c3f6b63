using System.Text.Json;

namespace OrleansChat.Client;

/// <summary>A <c>message</c> frame (PROTOCOL.md 3.3 and 6.2): a message or a change event of a chat, at its seq.</summary>
public sealed record ChatMessage(
    string ChatId, long Seq, string MessageId, string SenderId, string Content, string SentAt, string? ClientMsgId, string Kind)
{
    internal static ChatMessage From(in ServerFrame frame) => new(
        frame.ChatId ?? "", frame.Seq, frame.MessageId ?? "", frame.SenderId ?? "", frame.Content ?? "", frame.SentAt ?? "",
        frame.ClientMsgId, frame.GetString("kind"u8) ?? "text");
}

/// <summary>Any other server frame a <see cref="ChatClient"/> passes on: typing, receipt, presence, chat, chunk, or an error without a ref.</summary>
public sealed record ChatEvent(FrameType Type, JsonElement Frame)
{
    /// <summary>The <c>receipt</c> this event is, or null when it is another frame.</summary>
    public ChatReceipt? AsReceipt() => Type != FrameType.Receipt ? null : new(
        Frame.GetProperty("chatId").GetString() ?? "",
        Frame.GetProperty("userId").GetString() ?? "",
        Frame.GetProperty("readSeq").GetInt64(),
        Frame.TryGetProperty("deliveredSeq", out var delivered) ? delivered.GetInt64() : Frame.GetProperty("readSeq").GetInt64());
}

/// <summary>A <c>receipt</c> frame (PROTOCOL.md 6.4): how far a member's devices have received and read a chat, at the highest.</summary>
public sealed record ChatReceipt(string ChatId, string UserId, long ReadSeq, long DeliveredSeq);
