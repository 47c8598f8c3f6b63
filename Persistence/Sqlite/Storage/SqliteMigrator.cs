using Microsoft.Data.Sqlite;
using OrleansChat.Persistence.Migrations;

namespace OrleansChat.Persistence.Sqlite;

/// <summary>
/// Applies <see cref="Migration"/>s in version order, each in its own write transaction that first
/// re-checks <c>schema_migrations</c>, so a migration runs once per file even when processes race.
/// </summary>
internal static class SqliteMigrator
{
    private const string CreateHistoryTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version    INTEGER PRIMARY KEY,
            name       TEXT    NOT NULL,
            applied_at INTEGER NOT NULL
        );
        """;

    public static async Task MigrateAsync(
        SqliteConnection connection,
        IReadOnlyList<Migration> migrations,
        int targetVersion,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        await UseWriteAheadLogAsync(connection, cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(CreateHistoryTable, transaction: null, cancellationToken).ConfigureAwait(false);

        var applied = await ReadAppliedVersionsAsync(connection, cancellationToken).ConfigureAwait(false);
        foreach (var migration in migrations.Where(m => m.Version <= targetVersion && !applied.Contains(m.Version)).OrderBy(m => m.Version))
        {
            await ApplyAsync(connection, migration, timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task UseWriteAheadLogAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var command = connection.Command("PRAGMA journal_mode = WAL;");
        await using (command.ConfigureAwait(false))
        {
            var mode = (string?)await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"SQLite refused write-ahead logging for '{connection.DataSource}' (journal_mode is '{mode}').");
            }
        }
    }

    private static async Task<HashSet<long>> ReadAppliedVersionsAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var versions = new HashSet<long>();
        var command = connection.Command("SELECT version FROM schema_migrations;");
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    versions.Add(reader.GetInt64(0));
                }
            }
        }

        return versions;
    }

    private static async Task ApplyAsync(SqliteConnection connection, Migration migration, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        // BEGIN IMMEDIATE: the write lock is taken before the check, so two processes cannot both apply it.
        var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            var check = connection.Command("SELECT COUNT(*) FROM schema_migrations WHERE version = $version;", transaction)
                .With("$version", migration.Version);
            await using (check.ConfigureAwait(false))
            {
                if ((long)(await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! > 0)
                {
                    return;
                }
            }

            await connection.ExecuteAsync(migration.Sql, transaction, cancellationToken).ConfigureAwait(false);

            var record = connection.Command("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($version, $name, $appliedAt);", transaction)
                .With("$version", migration.Version)
                .With("$name", migration.Name)
                .With("$appliedAt", UnixTime.ToMilliseconds(timeProvider.GetUtcNow()));
            await using (record.ConfigureAwait(false))
            {
                await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
