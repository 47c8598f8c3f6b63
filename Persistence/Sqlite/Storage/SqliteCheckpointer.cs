using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansChat.Persistence.Writing;

namespace OrleansChat.Persistence.Sqlite;

/// <summary>
/// Copies the write-ahead log into <c>chat.db</c> beside the writers instead of inside their commits. SQLite's default
/// makes the commit that takes the log past 1,000 pages checkpoint it there and then, so every append queued behind that
/// commit waited for the pages to be copied and the file synced (6% of the silo's CPU at 4,000 sends/s, all of it on the
/// writer's one lane). Where this task runs, every connection has <c>wal_autocheckpoint = 0</c>, and this task
/// checkpoints every <see cref="StorageOptions.CheckpointInterval"/> without waiting for anyone (PASSIVE). A log that only
/// a quiet moment lets SQLite start over grows under steady writes, so past <see cref="StorageOptions.MaxWalBytes"/> it
/// checkpoints once waiting for the writers (RESTART), which holds appends back for that one checkpoint.
/// Durability does not change: a commit is synced in the log, and SQLite replays the log when the file is opened again.
/// </summary>
internal sealed partial class SqliteCheckpointer : BackgroundService
{
    private readonly SqliteDatabase _database;
    private readonly StorageOptions _options;
    private readonly TimeProvider _time;
    private readonly StorageMetrics _metrics;
    private readonly ILogger<SqliteCheckpointer> _logger;

    public SqliteCheckpointer(
        SqliteDatabase database, IOptions<StorageOptions> options, StorageMetrics metrics, TimeProvider time, ILogger<SqliteCheckpointer> logger)
    {
        _database = database;
        _metrics = metrics;
        _options = options.Value;
        _time = time;
        _logger = logger;
        database.CheckpointsInBackground = true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var connection = await _database.OpenConnectionAsync(stoppingToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var pageSize = await PageSizeAsync(connection, stoppingToken).ConfigureAwait(false);
                while (true)
                {
                    await Task.Delay(_options.CheckpointInterval, _time, stoppingToken).ConfigureAwait(false);
                    await CheckpointAsync(connection, pageSize, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping; the log is replayed or checkpointed when the file is next opened.
        }
    }

    private async Task CheckpointAsync(SqliteConnection connection, long pageSize, CancellationToken cancellationToken)
    {
        try
        {
            var (_, logFrames) = await RunAsync(connection, "PASSIVE", cancellationToken).ConfigureAwait(false);
            if (logFrames * pageSize > _options.MaxWalBytes)
            {
                var (busy, _) = await RunAsync(connection, "RESTART", cancellationToken).ConfigureAwait(false);
                LogRestarted(logFrames * pageSize, busy);
            }
        }
        catch (SqliteException ex)
        {
            // The next round tries again; meanwhile the log grows and nothing committed is at risk.
            LogCheckpointFailed(ex);
        }
    }

    /// <summary>Runs <c>PRAGMA wal_checkpoint(mode)</c>: whether it was blocked, and the log's frames.</summary>
    private async Task<(bool Busy, long LogFrames)> RunAsync(SqliteConnection connection, string mode, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA wal_checkpoint({mode});";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var outcome = (reader.GetInt64(0) != 0, reader.GetInt64(1));
        _metrics.Checkpointed(started, mode.ToLowerInvariant());
        return outcome;
    }

    private static async Task<long> PageSizeAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA page_size;";
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The SQLite write-ahead log reached {Bytes} bytes under steady writes; it was checkpointed waiting for the writers (blocked: {Busy})")]
    private partial void LogRestarted(long bytes, bool busy);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checkpointing the SQLite write-ahead log failed; the next round tries again")]
    private partial void LogCheckpointFailed(Exception exception);
}
