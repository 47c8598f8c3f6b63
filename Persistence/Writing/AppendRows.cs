namespace OrleansChat.Persistence.Writing;

/// <summary>What both stores' append paths decide alike: the row a new message becomes, and what a change does.</summary>
internal static class AppendRows
{
    /// <summary>The row <paramref name="message"/> becomes at <paramref name="seq"/>, sent at the store's precision.</summary>
    public static StoredMessage From(string chatId, long seq, NewMessage message, DateTimeOffset sentAt) =>
        new(chatId, seq, message.MessageId, message.SenderId, message.ClientMsgId, message.Content, sentAt)
        {
            Kind = message.Kind,
            Target = message.Target,
            ReplyTo = message.ReplyTo,
            Remove = message.Remove,
            Mentions = message.Mentions,
            Attachments = message.Attachments,
            JobId = message.JobId,
            Stopped = message.Stopped,
        };

    /// <summary>A text with neither reply nor mentions: the rows the plain insert writes.</summary>
    public static bool IsPlainText(NewMessage message) =>
        message.Kind == MessageKind.Text && message.ReplyTo is null && message.Mentions.Count == 0 && message.Attachments.Count == 0
        && message.JobId is null && !message.Stopped;

    /// <summary>Whether a change to <paramref name="target"/> (null: no row at its seq) changes its state.</summary>
    public static bool Applies(MessageTarget? target) => target is { Kind: MessageKind.Text, Deleted: false };

    /// <summary>
    /// The change row as it is stored: a change to a deleted text keeps no content, as the delete erased the content
    /// of every change before it.
    /// </summary>
    public static StoredMessage AsStored(StoredMessage change, MessageTarget? target) =>
        target is { Deleted: true } ? change with { Content = "", Mentions = [] } : change;

    /// <summary>The state <paramref name="target"/> is left in by <paramref name="change"/>, which <see cref="Applies"/> to it.</summary>
    public static MessageTarget After(MessageTarget target, StoredMessage change) =>
        change.Kind == MessageKind.Delete ? target with { Deleted = true } : target;
}
