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
public sealed record ChatEvent(FrameType Type, JsonElement Frame);
