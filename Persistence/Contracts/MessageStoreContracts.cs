namespace OrleansChat.Persistence;

/// <summary>A message as the store keeps it: partitioned by chat, clustered by seq.</summary>
public sealed record StoredMessage(
    string ChatId,
    long Seq,
    Guid MessageId,
    string SenderId,
    string ClientMsgId,
    string Content,
    DateTimeOffset SentAt);

/// <summary>A device of a recipient that gets a push notification for a message (one outbox row).</summary>
public sealed record PushTarget(string UserId, string DeviceId);

/// <summary>A message the room wants stored. The store assigns its seq.</summary>
public sealed record NewMessage(
    Guid MessageId,
    string SenderId,
    string ClientMsgId,
    string Content,
    DateTimeOffset SentAt,
    IReadOnlyList<PushTarget> PushTargets);

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
/// The message store: the source of truth for messages and their push-outbox rows.
/// Implementations must pass the conformance suite in tests/Persistence.Tests.
/// </summary>
public interface IMessageStore
{
    /// <summary>
    /// Stores the batches atomically: every message of every batch with its outbox rows is committed
    /// in one transaction, or nothing is (the task then faults with <see cref="StoreUnavailableException"/>
    /// or the provider's exception). Outcomes come back per batch, in the batches' order.
    /// Implementations may merge concurrent calls into one transaction.
    /// </summary>
    Task<IReadOnlyList<AppendOutcome>> AppendAsync(ChatAppend append, CancellationToken cancellationToken = default);

    Task<MessagePage> ReadAsync(string chatId, MessageRange range, CancellationToken cancellationToken = default);

    /// <summary>The chat's message with the highest seq, null when it has none: where a room's seqs and ids go on from.</summary>
    Task<StoredMessage?> GetLastAsync(string chatId, CancellationToken cancellationToken = default);

    /// <summary>Throws when the store cannot be reached; used by readiness checks.</summary>
    Task CheckHealthAsync(CancellationToken cancellationToken = default);
}

/// <summary>The store could not be reached or the write did not commit: nothing was stored.</summary>
public sealed class StoreUnavailableException(string message, Exception? innerException = null)
    : Exception(message, innerException);
