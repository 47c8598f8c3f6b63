using System.Text.Json;

namespace OrleansChat.Client;

/// <summary>
/// A <c>message</c> frame, a sync result or a history item (PROTOCOL.md 3.3, 6.2 and 6.3): a text or a change event of
/// a chat, at its seq. A change (<see cref="Kind"/> <c>edit</c>, <c>delete</c> or <c>reaction</c>) names the text it
/// changes in <see cref="Target"/>; a text from a sync or history carries its state as of the answer
/// (<see cref="EditedAt"/>, <see cref="Deleted"/>, <see cref="Reactions"/>); a text's files are in
/// <see cref="Attachments"/>. Two messages are equal when every field is, lists item by item.
/// </summary>
public sealed record ChatMessage(
    string ChatId, long Seq, string MessageId, string SenderId, string Content, string SentAt, string? ClientMsgId, string Kind)
{
    /// <summary>The seq of the text a change changes; null on a text.</summary>
    public long? Target { get; init; }

    /// <summary>The seq of the earlier text this text answers.</summary>
    public long? ReplyTo { get; init; }

    /// <summary>On a <c>reaction</c>: it takes the sender's reaction away.</summary>
    public bool Remove { get; init; }

    /// <summary>The member ids written as <c>@userId</c> in the content of a text or edit, as of the send.</summary>
    public IReadOnlyList<string> Mentions { get; init; } = [];

    /// <summary>When the text was last edited (sync and history only), as the server wrote it.</summary>
    public string? EditedAt { get; init; }

    /// <summary>Whether the text was deleted for everyone (sync and history only); its content is then empty.</summary>
    public bool Deleted { get; init; }

    /// <summary>The text's reactions per emoji, in the order each first appeared (sync and history only).</summary>
    public IReadOnlyList<ChatReaction> Reactions { get; init; } = [];

    /// <summary>The files a text carries (PROTOCOL.md 7), in the order it named them; empty when none.</summary>
    public IReadOnlyList<MessageAttachment> Attachments { get; init; } = [];

    /// <summary>On an assistant's reply: the job that wrote it (PROTOCOL.md 9); null on other messages.</summary>
    public string? JobId { get; init; }

    /// <summary>On an assistant's reply: a member stopped it, and it holds the text written until then.</summary>
    public bool Stopped { get; init; }

    /// <summary>Whether this is a text (not a change event).</summary>
    public bool IsText => Kind == MessageKinds.Text;

    /// <summary>Reads a history item of <c>GET /chats/{chatId}/messages</c> (the <c>message</c> frame without its <c>type</c>).</summary>
    public static ChatMessage FromJson(JsonElement item) => From(ServerFrame.Parse(JsonSerializer.SerializeToUtf8Bytes(item)));

    /// <summary>Reads a frame or a history item while it is valid.</summary>
    public static ChatMessage From(in ServerFrame frame) => new(
        frame.ChatId ?? "", frame.Seq, frame.MessageId ?? "", frame.SenderId ?? "", frame.Content ?? "", frame.SentAt ?? "",
        frame.ClientMsgId, frame.Kind ?? MessageKinds.Text)
    {
        Target = frame.Target,
        ReplyTo = frame.ReplyTo,
        Remove = frame.Remove,
        Mentions = frame.GetMentions(),
        EditedAt = frame.EditedAt,
        Deleted = frame.Deleted,
        Reactions = frame.GetReactions(),
        Attachments = frame.GetAttachments(),
        JobId = frame.JobId,
        Stopped = frame.Stopped,
    };

    public bool Equals(ChatMessage? other) =>
        other is not null
        && (ChatId, Seq, MessageId, SenderId, Content, SentAt, ClientMsgId, Kind, Target, ReplyTo, Remove, EditedAt, Deleted, JobId, Stopped)
            == (other.ChatId, other.Seq, other.MessageId, other.SenderId, other.Content, other.SentAt, other.ClientMsgId, other.Kind,
                other.Target, other.ReplyTo, other.Remove, other.EditedAt, other.Deleted, other.JobId, other.Stopped)
        && Mentions.SequenceEqual(other.Mentions)
        && Reactions.SequenceEqual(other.Reactions)
        && Attachments.SequenceEqual(other.Attachments);

    public override int GetHashCode() => HashCode.Combine(ChatId, Seq, MessageId, Kind);
}

/// <summary>One emoji on a text and the users who hold it (PROTOCOL.md 6.3); equal when the users are, in order.</summary>
public sealed record ChatReaction(string Content, IReadOnlyList<string> UserIds)
{
    public bool Equals(ChatReaction? other) => other is not null && Content == other.Content && UserIds.SequenceEqual(other.UserIds);

    public override int GetHashCode() => Content.GetHashCode(StringComparison.Ordinal);
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
