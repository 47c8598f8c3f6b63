using System.Globalization;

namespace OrleansChat.Persistence.Sqlite;

/// <summary>
/// The push outbox over <c>push_outbox</c>. <see cref="PushOutboxEntry.Attempts"/> counts failed attempts:
/// <see cref="RetryAsync"/> and <see cref="DeadLetterAsync"/> each add one, claiming does not (so a claim
/// lost to a crashed worker is not counted).
/// </summary>
public sealed partial class SqliteMessageStore
{
    /// <remarks>
    /// One statement, so one write transaction: SQLite has no <c>SKIP LOCKED</c>, and needs none because
    /// writers are serialized; the claim marks the rows with <c>claimed_until</c>. Rows come back by id.
    /// A read first checks that a row is due: a poll of an empty outbox then never takes the write lock from
    /// the message writer (in WAL mode reads neither wait for writers nor hold them up).
    /// </remarks>
    public async Task<IReadOnlyList<PushOutboxEntry>> ClaimAsync(int maxRows, DateTimeOffset now, DateTimeOffset claimUntil, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);

        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            const string Due = """
                dead_lettered_at IS NULL
                AND next_attempt_at <= $now
                AND (claimed_until IS NULL OR claimed_until <= $now)
                """;
            var probe = connection.Command($"SELECT EXISTS (SELECT 1 FROM push_outbox WHERE {Due});")
                .With("$now", UnixTime.ToMilliseconds(now));
            await using (probe.ConfigureAwait(false))
            {
                if (Convert.ToInt64(await probe.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) == 0)
                {
                    return [];
                }
            }

            var command = connection.Command(
                    $"""
                    UPDATE push_outbox SET claimed_until = $claimUntil
                    WHERE id IN (
                        SELECT id FROM push_outbox
                        WHERE {Due}
                        ORDER BY id
                        LIMIT $maxRows)
                    RETURNING {SqliteRows.OutboxColumns};
                    """)
                .With("$claimUntil", UnixTime.ToMilliseconds(claimUntil))
                .With("$now", UnixTime.ToMilliseconds(now))
                .With("$maxRows", maxRows);
            await using (command.ConfigureAwait(false))
            {
                var rows = await SqliteRows.ReadAllAsync(command, SqliteRows.ReadOutboxEntry, cancellationToken).ConfigureAwait(false);
                rows.Sort((left, right) => left.Id.CompareTo(right.Id));
                return rows;
            }
        }
    }

    public Task CompleteAsync(long id, CancellationToken cancellationToken = default) =>
        ExecuteOutboxAsync("DELETE FROM push_outbox WHERE id = $id;", id, error: null, at: null, cancellationToken);

    /// <remarks>Adds one to the attempts, records the reason as last error, releases the claim; ignored for a dead-lettered row.</remarks>
    public Task RetryAsync(long id, string reason, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reason);
        return ExecuteOutboxAsync(
            """
            UPDATE push_outbox
            SET attempts = attempts + 1, last_error = $error, next_attempt_at = $at, claimed_until = NULL
            WHERE id = $id AND dead_lettered_at IS NULL;
            """,
            id,
            reason,
            nextAttemptAt,
            cancellationToken);
    }

    /// <remarks>Adds one to the attempts (the last, failed one), records the reason as last error, releases the claim.</remarks>
    public Task DeadLetterAsync(long id, string reason, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reason);
        return ExecuteOutboxAsync(
            """
            UPDATE push_outbox
            SET attempts = attempts + 1, last_error = $error, dead_lettered_at = $at, claimed_until = NULL
            WHERE id = $id AND dead_lettered_at IS NULL;
            """,
            id,
            reason,
            now,
            cancellationToken);
    }

    public async Task<IReadOnlyList<PushOutboxEntry>> ListAsync(int maxRows, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);

        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = connection.Command($"SELECT {SqliteRows.OutboxColumns} FROM push_outbox ORDER BY id LIMIT $maxRows;")
                .With("$maxRows", maxRows);
            await using (command.ConfigureAwait(false))
            {
                return await SqliteRows.ReadAllAsync(command, SqliteRows.ReadOutboxEntry, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task ExecuteOutboxAsync(string sql, long id, string? error, DateTimeOffset? at, CancellationToken cancellationToken)
    {
        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = connection.Command(sql).With("$id", id);
            if (error is not null)
            {
                command.With("$error", error);
            }

            if (at is { } time)
            {
                command.With("$at", UnixTime.ToMilliseconds(time));
            }

            await using (command.ConfigureAwait(false))
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
