using Microsoft.Extensions.Options;
using Npgsql;
using OrleansChat.Persistence.Migrations;

namespace OrleansChat.Persistence.Postgres;

/// <summary>
/// The cluster's PostgreSQL database: hands out pooled connections and brings the schema up to date the first
/// time a connection is asked for. <see cref="MigrateAsync(string, CancellationToken)"/> does the same for a host
/// that must migrate before anything else starts (Orleans' ADO.NET providers read <c>OrleansQuery</c> at start).
/// </summary>
/// <remarks>
/// Migrations run under a PostgreSQL advisory lock, so any number of processes may start at once: one applies
/// what is missing, the others wait for it and then find nothing to do.
/// </remarks>
public sealed class PostgresDatabase : IMigratingDatabase, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _timeProvider;
    private readonly OnceOnlyMigration _migration;

    public PostgresDatabase(IOptions<PostgresStorageOptions> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Value.ConnectionString, nameof(options));
        _dataSource = NpgsqlDataSource.Create(options.Value.ConnectionString);
        _timeProvider = timeProvider;
        _migration = new OnceOnlyMigration(cancellationToken => MigrateAsync(PostgresMigrations.LatestVersion, cancellationToken));
    }

    /// <summary>The schema version this build migrates to.</summary>
    public static int LatestSchemaVersion => PostgresMigrations.LatestVersion;

    /// <summary>The server, port and database, without credentials; for messages.</summary>
    public string DisplayName
    {
        get
        {
            var builder = new NpgsqlConnectionStringBuilder(_dataSource.ConnectionString);
            return $"{builder.Host}:{builder.Port}/{builder.Database}";
        }
    }

    /// <summary>
    /// Applies every migration the database at <paramref name="connectionString"/> lacks (the chat's tables and the
    /// Orleans ADO.NET schema with its <c>OrleansQuery</c> rows); safe to call from several processes at once.
    /// </summary>
    public static async Task MigrateAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var database = new PostgresDatabase(Options.Create(new PostgresStorageOptions { ConnectionString = connectionString }), TimeProvider.System);
        await using (database.ConfigureAwait(false))
        {
            await database.EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Opens a connection to the migrated database; the caller disposes it.</summary>
    public async Task<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken = default)
    {
        await EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        return await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Applies every migration not applied yet; runs once per instance, later calls return at once.</summary>
    public Task EnsureMigratedAsync(CancellationToken cancellationToken = default) =>
        _migration.EnsureMigratedAsync(cancellationToken);

    /// <summary>Applies the migrations up to and including <paramref name="targetVersion"/> that are not applied yet.</summary>
    internal async Task MigrateAsync(int targetVersion, CancellationToken cancellationToken = default)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await PostgresMigrator.MigrateAsync(connection, PostgresMigrations.All, targetVersion, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The schema versions recorded in the database, ascending.</summary>
    internal async Task<IReadOnlyList<int>> ReadAppliedVersionsAsync(CancellationToken cancellationToken = default)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await PostgresMigrator.ReadAppliedVersionsAsync(connection, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Opens a connection without migrating; for health checks, which must not wait on a migration.</summary>
    internal ValueTask<NpgsqlConnection> OpenUnmigratedConnectionAsync(CancellationToken cancellationToken) =>
        _dataSource.OpenConnectionAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync().ConfigureAwait(false);
        _migration.Dispose();
    }
}
