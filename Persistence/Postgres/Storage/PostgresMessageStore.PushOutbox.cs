namespace OrleansChat.Persistence.Postgres;

/// <summary>
/// The push outbox over <c>push_outbox</c>. <see cref="PushOutboxEntry.Attempts"/> counts failed attempts:
/// <see cref="RetryAsync"/> and <see cref="DeadLetterAsync"/> each add one, claiming does not (so a claim lost to a
/// crashed worker is not counted).
/// </summary>
public sealed partial class PostgresMessageStore
{
    /// <remarks>
    /// One statement: the due rows are locked with <c>FOR UPDATE SKIP LOCKED</c>, so workers claiming at the same
    /// time take different rows instead of waiting on each other, and marked with <c>claimed_until</c>.
    /// Rows come back by id.
    /// </remarks>
    public Task<IReadOnlyList<PushOutboxEntry>> ClaimAsync(int maxRows, DateTimeOffset now, DateTimeOffset claimUntil, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);

        return WithConnectionAsync<IReadOnlyList<PushOutboxEntry>>(
            async connection =>
            {
                var command = connection.Command(
                    $"""
                    WITH due AS (
                        SELECT id FROM push_outbox
                        WHERE dead_lettered_at IS NULL
                          AND next_attempt_at <= $2
                          AND (claimed_until IS NULL OR claimed_until <= $2)
                        ORDER BY id
                        LIMIT $3
                        FOR UPDATE SKIP LOCKED)
                    UPDATE push_outbox AS o SET claimed_until = $1
                    FROM due
                    WHERE o.id = due.id
                    RETURNING {Prefixed("o.", PostgresRows.OutboxColumns)};
                    """,
                    claimUntil.ToUniversalTime(),
                    now.ToUniversalTime(),
                    maxRows);
                await using (command.ConfigureAwait(false))
                {
                    var rows = await command.ReadAllAsync(PostgresRows.ReadOutboxEntry, cancellationToken).ConfigureAwait(false);
                    rows.Sort((left, right) => left.Id.CompareTo(right.Id));
                    return rows;
                }
            },
            cancellationToken);
    }

    public Task CompleteAsync(long id, CancellationToken cancellationToken = default) =>
        ExecuteOutboxAsync("DELETE FROM push_outbox WHERE id = $1;", cancellationToken, id);

    /// <remarks>Adds one to the attempts, records the reason as last error, releases the claim; ignored for a dead-lettered row.</remarks>
    public Task RetryAsync(long id, string reason, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reason);
        return ExecuteOutboxAsync(
            """
            UPDATE push_outbox
            SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3, claimed_until = NULL
            WHERE id = $1 AND dead_lettered_at IS NULL;
            """,
            cancellationToken,
            id,
            reason,
            PostgresRows.Time(nextAttemptAt));
    }

    /// <remarks>Adds one to the attempts (the last, failed one), records the reason as last error, releases the claim.</remarks>
    public Task DeadLetterAsync(long id, string reason, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reason);
        return ExecuteOutboxAsync(
            """
            UPDATE push_outbox
            SET attempts = attempts + 1, last_error = $2, dead_lettered_at = $3, claimed_until = NULL
            WHERE id = $1 AND dead_lettered_at IS NULL;
            """,
            cancellationToken,
            id,
            reason,
            PostgresRows.Time(now));
    }

    public Task<IReadOnlyList<PushOutboxEntry>> ListAsync(int maxRows, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);

        return WithConnectionAsync<IReadOnlyList<PushOutboxEntry>>(
            async connection =>
            {
                var command = connection.Command($"SELECT {PostgresRows.OutboxColumns} FROM push_outbox ORDER BY id LIMIT $1;", maxRows);
                await using (command.ConfigureAwait(false))
                {
                    return await command.ReadAllAsync(PostgresRows.ReadOutboxEntry, cancellationToken).ConfigureAwait(false);
                }
            },
            cancellationToken);
    }

    private async Task ExecuteOutboxAsync(string sql, CancellationToken cancellationToken, params object[] values) =>
        await WithConnectionAsync(
                async connection =>
                {
                    await connection.ExecuteAsync(sql, cancellationToken, values).ConfigureAwait(false);
                    return true;
                },
                cancellationToken)
            .ConfigureAwait(false);

    private static string Prefixed(string prefix, string columns) =>
        string.Join(", ", columns.Split(", ").Select(column => prefix + column));
}
