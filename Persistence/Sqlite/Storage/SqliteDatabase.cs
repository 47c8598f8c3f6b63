using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using OrleansChat.Persistence.Migrations;

namespace OrleansChat.Persistence.Sqlite;

/// <summary>
/// The silo's SQLite file, <c>{DataDirectory}/chat.db</c>. Hands out pooled connections set up for
/// acknowledged writes (write-ahead log, <c>synchronous=FULL</c>, busy timeout, foreign keys), and brings
/// the schema up to date the first time a connection is asked for.
/// </summary>
/// <remarks>
/// Register one instance per file (it is a singleton in <c>AddSqliteChatStorage</c>): it migrates once.
/// Several instances, or several processes, on one file stay correct, because each migration re-checks
/// its version inside its own write transaction.
/// </remarks>
public sealed class SqliteDatabase : IMigratingDatabase, IDisposable
{
    public const string FileName = "chat.db";

    private readonly string _connectionString;
    private readonly string _connectionPragmas;
    private readonly TimeProvider _timeProvider;
    private readonly OnceOnlyMigration _migration;

    /// <summary>
    /// The native connections set up already. The pool hands the same native connection out again and again, and the
    /// settings stay on it, so running the PRAGMAs on every open cost a statement round per read for nothing.
    /// </summary>
    private readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> _setUp = [];

    public SqliteDatabase(IOptions<StorageOptions> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var storage = options.Value;
        if (string.IsNullOrWhiteSpace(storage.DataDirectory))
        {
            throw new ArgumentException("Storage:DataDirectory must not be empty.", nameof(options));
        }

        DataDirectory = Path.GetFullPath(storage.DataDirectory);
        FilePath = Path.Combine(DataDirectory, FileName);
        _timeProvider = timeProvider;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = (int)Math.Ceiling(storage.BusyTimeout.TotalSeconds),
        }.ToString();
        _connectionPragmas = string.Create(
            CultureInfo.InvariantCulture,
            $"PRAGMA busy_timeout = {(long)storage.BusyTimeout.TotalMilliseconds}; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;");
        _migration = new OnceOnlyMigration(cancellationToken => MigrateAsync(SqliteMigrations.LatestVersion, cancellationToken));
    }

    public string DataDirectory { get; }

    public string FilePath { get; }

    /// <summary>Opens a connection to the migrated database; the caller disposes it.</summary>
    public async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken = default)
    {
        // Microsoft.Data.Sqlite's async methods do their I/O synchronously: leave the caller's thread first, so a
        // grain's turn (or a request thread) is never held by disk I/O.
        await Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        await EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        return await OpenUnmigratedConnectionAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Applies every migration not applied yet; runs once per instance, later calls return at once.</summary>
    public Task EnsureMigratedAsync(CancellationToken cancellationToken = default) =>
        _migration.EnsureMigratedAsync(cancellationToken);

    /// <summary>Applies the migrations up to and including <paramref name="targetVersion"/> that are not applied yet.</summary>
    internal async Task MigrateAsync(int targetVersion, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(DataDirectory);
        var connection = await OpenUnmigratedConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // Migration 4 indexes the stored texts with the words the append path indexes new ones with.
            connection.CreateFunction<string, string, string>(SqliteSearch.RowFunction, SqliteSearch.Row, isDeterministic: true);
            await SqliteMigrator.MigrateAsync(connection, SqliteMigrations.All, targetVersion, _timeProvider, cancellationToken)
                .ConfigureAwait(false);
        }
    }

    internal async Task<SqliteConnection> OpenUnmigratedConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            if (!_setUp.TryGetValue(connection.Handle!, out _))
            {
                await connection.ExecuteAsync(_connectionPragmas, transaction: null, cancellationToken).ConfigureAwait(false);
                _setUp.AddOrUpdate(connection.Handle!, _setUp);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Closes the pooled connections, so the file can be reopened, moved or deleted.</summary>
    public void Dispose()
    {
        using (var connection = new SqliteConnection(_connectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        _migration.Dispose();
    }
}
