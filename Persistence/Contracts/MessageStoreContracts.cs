namespace OrleansChat.Persistence;

/// <summary>
/// A row of a chat's sequence as the store keeps it: partitioned by chat, clustered by seq. The properties after the
/// constructor's default to a plain text, so a row built from the constructor alone is a text that was never changed.
/// </summary>
/// <remarks>
/// For a <see cref="MessageKind.Text"/> row the state is as of the read: <see cref="StoredMessage.Content"/> after its
/// latest edit with <see cref="EditedAt"/>, or <see cref="Deleted"/> with empty content, no mentions and no reactions.
/// A change row (edit, delete, reaction) keeps what was sent, except that its content and mentions are erased once its
/// target is deleted; <see cref="EditedAt"/>, <see cref="Deleted"/> and <see cref="Reactions"/> stay empty on it.
/// Equality compares the lists by their items.
/// </remarks>
public sealed record StoredMessage(
    string ChatId,
    long Seq,
    Guid MessageId,
    string SenderId,
    string ClientMsgId,
    string Content,
    DateTimeOffset SentAt)
{
    public MessageKind Kind { get; init; }

    /// <summary>The seq of the text a change applies to; null on a text.</summary>
    public long? Target { get; init; }

    /// <summary>The seq of the earlier text a text replies to; null when it replies to none (and on changes).</summary>
    public long? ReplyTo { get; init; }

    /// <summary>On a reaction: true when it takes the sender's reaction away.</summary>
    public bool Remove { get; init; }

    /// <summary>The member ids the sender mentioned, as the room computed them at the send (or at the latest edit, on a text).</summary>
    public IReadOnlyList<string> Mentions { get; init; } = [];

    /// <summary>On a text: when its latest edit was sent; null when it was never edited.</summary>
    public DateTimeOffset? EditedAt { get; init; }

    /// <summary>On a text: whether it was deleted (a tombstone).</summary>
    public bool Deleted { get; init; }

    /// <summary>On a text: each emoji someone holds, in the order the emojis first appeared, with their users in the order they reacted.</summary>
    public IReadOnlyList<MessageReaction> Reactions { get; init; } = [];

    /// <summary>On a text: the uploads it carries, in the order its send listed them; none once it is deleted (their rows and bytes are gone).</summary>
    public IReadOnlyList<MessageAttachment> Attachments { get; init; } = [];

    /// <summary>On an assistant's reply: the job that wrote it.</summary>
    public string? JobId { get; init; }

    /// <summary>On an assistant's reply: a member stopped it, and it holds the text written until then.</summary>
    public bool Stopped { get; init; }

    public bool Equals(StoredMessage? other) =>
        other is not null
        && (ChatId, Seq, MessageId, SenderId, ClientMsgId, Content, SentAt, Kind, Target, ReplyTo, Remove, EditedAt, Deleted, JobId, Stopped)
            == (other.ChatId, other.Seq, other.MessageId, other.SenderId, other.ClientMsgId, other.Content, other.SentAt,
                other.Kind, other.Target, other.ReplyTo, other.Remove, other.EditedAt, other.Deleted, other.JobId, other.Stopped)
        && Mentions.SequenceEqual(other.Mentions)
        && Reactions.SequenceEqual(other.Reactions)
        && Attachments.SequenceEqual(other.Attachments);

    public override int GetHashCode() => HashCode.Combine(ChatId, Seq, MessageId, Content, Kind, Deleted);
}

/// <summary>A device of a recipient that gets a push notification for a message (one outbox row).</summary>
public sealed record PushTarget(string UserId, string DeviceId);

/// <summary>
/// A row the room wants stored: a text, or a change (<see cref="Kind"/>) to an earlier text. The store assigns its seq.
/// The properties after the constructor's default to a plain text without reply or mentions.
/// </summary>
/// <remarks>
/// The store checks no permission and no target: the room does that first (<see cref="IMessageStore.GetTargetsAsync"/>).
/// <see cref="PushTargets"/> are written for any kind exactly as given: the room decides who is notified of what.
/// </remarks>
public sealed record NewMessage(
    Guid MessageId,
    string SenderId,
    string ClientMsgId,
    string Content,
    DateTimeOffset SentAt,
    IReadOnlyList<PushTarget> PushTargets)
{
    public MessageKind Kind { get; init; }

    /// <summary>The seq of the text a change applies to; required on a change, must be null on a text.</summary>
    public long? Target { get; init; }

    /// <summary>On a text: the seq of the earlier text it replies to.</summary>
    public long? ReplyTo { get; init; }

    /// <summary>On a reaction: take the sender's reaction away instead of adding it.</summary>
    public bool Remove { get; init; }

    /// <summary>The member ids mentioned in <see cref="Content"/>; on an edit they replace the target's.</summary>
    public IReadOnlyList<string> Mentions { get; init; } = [];

    /// <summary>
    /// On a text: the uploads it carries, in the order its send listed them, which reads keep. The append links
    /// them to the message in its transaction, and only when each is still an orphan of the sender; otherwise the
    /// call fails alone with <see cref="AttachmentsTakenException"/> and stores nothing.
    /// </summary>
    public IReadOnlyList<MessageAttachment> Attachments { get; init; } = [];

    /// <summary>On an assistant's reply: the job that wrote it.</summary>
    public string? JobId { get; init; }

    /// <summary>On an assistant's reply: a member stopped it.</summary>
    public bool Stopped { get; init; }

    /// <summary>
    /// On a change: its target as the room checked it, at the change's place in the sequence (a text of the chat that is
    /// not deleted, as <see cref="IMessageStore.GetTargetsAsync"/> and the batch's earlier changes left it). The append
    /// then trusts it instead of reading the target again in its transaction; null: the append reads the target.
    /// </summary>
    public MessageTarget? CheckedTarget { get; init; }
}

/// <summary>
/// One room's batch: the messages get seqs <c>LastSeq + 1, LastSeq + 2, ...</c> in list order,
/// except those whose (sender, client message id) is already stored, which consume no seq.
/// </summary>
public sealed record ChatAppend(string ChatId, long LastSeq, IReadOnlyList<NewMessage> Messages);

/// <summary>What became of one <see cref="NewMessage"/>: stored now, or found stored before.</summary>
public readonly record struct AppendOutcome(StoredMessage Message, bool IsDuplicate);

/// <summary>A page of messages in ascending seq order.</summary>
public sealed record MessagePage(IReadOnlyList<StoredMessage> Messages, bool HasMore);

/// <summary>Which messages of a chat to read: seq in (AfterSeq, BeforeSeq), at most Limit of them.</summary>
/// <param name="FromNewest">
/// false: the oldest <c>Limit</c> in the range (HasMore: newer ones remain in the range);
/// true: the newest <c>Limit</c> in the range (HasMore: older ones remain in the range).
/// Either way the page is returned in ascending seq order.
/// </param>
public readonly record struct MessageRange(long AfterSeq, long BeforeSeq, int Limit, bool FromNewest)
{
    public static MessageRange After(long afterSeq, int limit) => new(afterSeq, long.MaxValue, limit, FromNewest: false);

    public static MessageRange Before(long beforeSeq, int limit) => new(0, beforeSeq, limit, FromNewest: true);
}

/// <summary>
/// The message store: the source of truth for a chat's sequence of messages and changes, their current state, and
/// their push-outbox rows. Implementations must pass the conformance suite in tests/Persistence.Tests.
/// </summary>
public interface IMessageStore
{
    /// <summary>
    /// Stores the batches atomically: every message of every batch with its outbox rows is committed
    /// in one transaction, or nothing is (the task then faults with <see cref="StoreUnavailableException"/>
    /// or the provider's exception). Outcomes come back per batch, in the batches' order.
    /// Implementations may merge concurrent calls into one transaction.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Every row, change or not, takes the next seq, and a (sender, client message id) stored before comes back as a
    /// duplicate that takes no seq and changes nothing. A change is applied to its target's current state in the same
    /// transaction that stores it, in seq order (so a change sees the changes before it in the same call):
    /// </para>
    /// <list type="bullet">
    /// <item><description>edit: the target's content and mentions become the edit's, its <c>EditedAt</c> the edit's <c>SentAt</c>;</description></item>
    /// <item><description>delete: the target becomes a tombstone; the content and mentions of the target and of every
    /// change row targeting it are erased from the rows, its reactions and the previews of its push-outbox rows too;</description></item>
    /// <item><description>reaction: the (target, content, sender) entry is added, or taken away with <c>Remove</c>; one
    /// the sender holds already, or a removal of one they do not hold, is stored and changes nothing.</description></item>
    /// </list>
    /// <para>
    /// A change whose target is not a text of the chat that is not deleted is stored and changes nothing (the room
    /// refuses those before they come here); when its target is deleted, it is stored with its content erased.
    /// </para>
    /// </remarks>
    Task<IReadOnlyList<AppendOutcome>> AppendAsync(ChatAppend append, CancellationToken cancellationToken = default);

    /// <summary>The rows of a range, changes included, texts with their current state.</summary>
    Task<MessagePage> ReadAsync(string chatId, MessageRange range, CancellationToken cancellationToken = default);

    /// <summary>The chat's row with the highest seq, null when it has none: where a room's seqs and ids go on from.</summary>
    Task<StoredMessage?> GetLastAsync(string chatId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The kind, sender and deleted flag of the chat's rows at <paramref name="seqs"/>, in ascending seq, in one round
    /// trip: what the room checks a batch's changes and replies against. A seq with no row is left out.
    /// </summary>
    Task<IReadOnlyList<MessageTarget>> GetTargetsAsync(string chatId, IReadOnlyCollection<long> seqs, CancellationToken cancellationToken = default);

    /// <summary>
    /// The row a sender stored under a client message id in a chat, with its current state; null when there is none.
    /// What the room answers a repeat with when the idempotency window has forgotten it and the rules would now refuse it.
    /// </summary>
    Task<StoredMessage?> FindByClientMsgIdAsync(string chatId, string senderId, string clientMsgId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The uploads with these ids, in one round trip: what the room checks a batch's attachments against (each must be
    /// the sender's and carried by no message yet). An id with no upload is left out.
    /// </summary>
    Task<IReadOnlyList<Attachments.AttachmentRecord>> GetAttachmentsAsync(IReadOnlyCollection<Guid> attachmentIds, CancellationToken cancellationToken = default);

    /// <summary>
    /// For one member, in one query whatever the number of chats: per chat, the texts with seq above the member's read
    /// seq there that are not deleted and not the member's own, and how many of those mention the member (PROTOCOL.md 6.5).
    /// A chat with no such text is left out of the answer; chat ids must be distinct.
    /// </summary>
    Task<IReadOnlyList<UnreadCount>> CountUnreadAsync(string userId, IReadOnlyCollection<ReadPosition> chats, CancellationToken cancellationToken = default);

    /// <summary>Throws when the store cannot be reached; used by readiness checks.</summary>
    Task CheckHealthAsync(CancellationToken cancellationToken = default);
}

/// <summary>How far one member has read one chat: what <see cref="IMessageStore.CountUnreadAsync"/> counts after.</summary>
public readonly record struct ReadPosition(string ChatId, long ReadSeq);

/// <summary>A chat's texts one member has not read (<see cref="Unread"/>), and how many of them mention the member.</summary>
public readonly record struct UnreadCount(string ChatId, int Unread, int Mentions);

/// <summary>
/// An upload a text of the call was to carry is not an orphan of its sender any more (another message took it, or it
/// was removed, since the room checked): nothing of the call was stored.
/// </summary>
public sealed class AttachmentsTakenException(string message) : Exception(message);

/// <summary>The store could not be reached or the write did not commit: nothing was stored.</summary>
public sealed class StoreUnavailableException(string message, Exception? innerException = null)
    : Exception(message, innerException);
