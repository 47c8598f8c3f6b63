namespace OrleansChat.Client;

/// <summary>
/// What a <c>send</c> carries besides its chat and client message id (PROTOCOL.md 6.1): a text (optionally a reply), or
/// a change of the text at <see cref="Target"/>.
/// </summary>
public readonly record struct OutgoingMessage(string Kind, string? Content, long? Target = null, long? ReplyTo = null, bool Remove = false)
{
    /// <summary>
    /// The ids of the uploads a text carries (PROTOCOL.md 7), in the order its message lists them; its content may then be
    /// empty. Null or empty on a plain text and on every change.
    /// </summary>
    public IReadOnlyList<string>? Attachments { get; init; }

    public static OutgoingMessage Text(string content, long? replyTo = null, IReadOnlyList<string>? attachments = null) =>
        new(MessageKinds.Text, content, ReplyTo: replyTo) { Attachments = attachments };

    public static OutgoingMessage Edit(long target, string content) => new(MessageKinds.Edit, content, target);

    public static OutgoingMessage Delete(long target) => new(MessageKinds.Delete, null, target);

    public static OutgoingMessage Reaction(long target, string emoji, bool remove = false) => new(MessageKinds.Reaction, emoji, target, Remove: remove);
}
