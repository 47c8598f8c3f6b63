namespace OrleansChat.Persistence;

/// <summary>One push-outbox row: one notification for one device about one message.</summary>
public sealed record PushOutboxEntry(
    long Id,
    string RecipientId,
    string DeviceId,
    string ChatId,
    long Seq,
    Guid MessageId,
    string SenderId,
    string Preview,
    DateTimeOffset CreatedAt,
    int Attempts,
    DateTimeOffset NextAttemptAt,
    string? LastError,
    DateTimeOffset? DeadLetteredAt);

/// <summary>
/// The durable queue of push notifications, written by <see cref="IMessageStore.AppendAsync"/> in the
/// message's own transaction and drained by the push worker.
/// </summary>
public interface IPushOutbox
{
    /// <summary>
    /// Claims up to <paramref name="maxRows"/> rows that are due (next attempt reached, not dead-lettered,
    /// not claimed by a live claim) until <paramref name="claimUntil"/>; a claim that expires makes the row
    /// claimable again, so a crashed worker loses nothing.
    /// </summary>
    Task<IReadOnlyList<PushOutboxEntry>> ClaimAsync(int maxRows, DateTimeOffset now, DateTimeOffset claimUntil, CancellationToken cancellationToken = default);

    /// <summary>The notification was handed to the provider: the row is removed.</summary>
    Task CompleteAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>The attempt failed: count it, record the error, and retry at <paramref name="nextAttemptAt"/>.</summary>
    Task RetryAsync(long id, string reason, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken = default);

    /// <summary>Attempts are exhausted: the row stays for inspection and is never claimed again.</summary>
    Task DeadLetterAsync(long id, string reason, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Rows not yet completed (pending and dead-lettered), oldest first; for operators and tests.</summary>
    Task<IReadOnlyList<PushOutboxEntry>> ListAsync(int maxRows, CancellationToken cancellationToken = default);
}
