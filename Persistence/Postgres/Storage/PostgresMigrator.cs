using Npgsql;
using OrleansChat.Persistence.Migrations;

namespace OrleansChat.Persistence.Postgres;

/// <summary>
/// Applies <see cref="Migration"/>s in version order under a session advisory lock, so processes that start
/// at once take turns: the first applies what is missing, the others then find nothing left to do.
/// Each migration and its <c>schema_migrations</c> row commit in one transaction.
/// </summary>
internal static class PostgresMigrator
{
    /// <summary>The advisory lock key every OrleansChat process takes while it migrates ("OCHATMIG").</summary>
    public const long AdvisoryLockKey = 0x4F43_4841_544D_4947;

    private const string CreateHistoryTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version    integer     PRIMARY KEY,
            name       text        NOT NULL,
            applied_at timestamptz NOT NULL
        );
        """;

    public static async Task MigrateAsync(
        NpgsqlConnection connection,
        IReadOnlyList<Migration> migrations,
        int targetVersion,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync("SELECT pg_advisory_lock($1);", cancellationToken, AdvisoryLockKey).ConfigureAwait(false);
        try
        {
            await connection.ExecuteAsync(CreateHistoryTable, cancellationToken).ConfigureAwait(false);
            var applied = await ReadAppliedVersionsAsync(connection, cancellationToken).ConfigureAwait(false);
            foreach (var migration in migrations.Where(m => m.Version <= targetVersion && !applied.Contains(m.Version)).OrderBy(m => m.Version))
            {
                await ApplyAsync(connection, migration, timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            // The lock also ends with the session; unlocking lets a pooled connection go back clean.
            await connection.ExecuteAsync("SELECT pg_advisory_unlock($1);", CancellationToken.None, AdvisoryLockKey).ConfigureAwait(false);
        }
    }

    /// <summary>The versions recorded in <c>schema_migrations</c>; empty when the table does not exist.</summary>
    public static async Task<IReadOnlyList<int>> ReadAppliedVersionsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var command = connection.Command("SELECT version FROM schema_migrations ORDER BY version;");
        await using (command.ConfigureAwait(false))
        {
            try
            {
                return await command.ReadAllAsync(reader => reader.GetInt32(0), cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                return [];
            }
        }
    }

    private static async Task ApplyAsync(NpgsqlConnection connection, Migration migration, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            await connection.ExecuteAsync(migration.Sql, cancellationToken).ConfigureAwait(false);
            if (migration.Then is { } then)
            {
                await then(connection, cancellationToken).ConfigureAwait(false);
            }

            await connection.ExecuteAsync(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3);",
                    cancellationToken,
                    migration.Version,
                    migration.Name,
                    timeProvider.GetUtcNow().ToUniversalTime())
                .ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
