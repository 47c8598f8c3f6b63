namespace OrleansChat.Persistence;

/// <summary>
/// What a row of a chat's sequence is (PROTOCOL.md 6.1): a message, or a change to an earlier message. Every kind
/// takes its own seq; the changes also change their target's current state (see <see cref="IMessageStore.AppendAsync"/>).
/// </summary>
public enum MessageKind
{
    /// <summary>A message; the only kind that has a current state (edits, tombstone, reactions).</summary>
    Text = 0,

    /// <summary>Replaces the target's content with this row's content and sets its <see cref="StoredMessage.EditedAt"/>.</summary>
    Edit = 1,

    /// <summary>Makes the target a tombstone; this row's content is empty.</summary>
    Delete = 2,

    /// <summary>Adds (or, with <see cref="NewMessage.Remove"/>, removes) the sender's reaction, this row's content, on the target.</summary>
    Reaction = 3,
}

/// <summary>One emoji on a text and the users who hold it, in the order they reacted with it.</summary>
public sealed record MessageReaction(string Content, IReadOnlyList<string> UserIds)
{
    public bool Equals(MessageReaction? other) =>
        other is not null && Content == other.Content && UserIds.SequenceEqual(other.UserIds);

    public override int GetHashCode() => HashCode.Combine(Content, UserIds.Count);
}

/// <summary>
/// What the room needs to know of a message a change (or a reply) points at, from
/// <see cref="IMessageStore.GetTargetsAsync"/>: a change may target only a <see cref="MessageKind.Text"/> of the chat
/// that is not <see cref="Deleted"/>; an edit only by its sender; a delete by its sender or the group's owner.
/// </summary>
public readonly record struct MessageTarget(long Seq, MessageKind Kind, string SenderId, bool Deleted);

/// <summary>An upload as a message carries it: <see cref="Width"/> and <see cref="Height"/> only for images.</summary>
public sealed record MessageAttachment(Guid AttachmentId, string Name, string ContentType, long Size, int? Width, int? Height)
{
    public static MessageAttachment From(Attachments.AttachmentRecord record) =>
        new(record.AttachmentId, record.Name, record.ContentType, record.Size, record.Width, record.Height);
}

/// <summary>How kinds are written in the stores' <c>kind</c> column: the protocol's own words.</summary>
public static class MessageKinds
{
    public static string ToText(MessageKind kind) => kind switch
    {
        MessageKind.Text => "text",
        MessageKind.Edit => "edit",
        MessageKind.Delete => "delete",
        MessageKind.Reaction => "reaction",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a message kind."),
    };

    public static MessageKind Parse(string text) => text switch
    {
        "text" => MessageKind.Text,
        "edit" => MessageKind.Edit,
        "delete" => MessageKind.Delete,
        "reaction" => MessageKind.Reaction,
        _ => throw new FormatException($"'{text}' is not a message kind."),
    };
}
