using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace OrleansChat.Persistence.Sqlite;

/// <summary>The append transaction the silo-wide <see cref="AppendBatcher"/> runs for the calls it merged.</summary>
public sealed partial class SqliteMessageStore
{
    private const int SqliteConstraint = 19;

    /// <summary>
    /// The writer loop's own connection with its prepared append statements: opened (pragmas included) for the first
    /// transaction and kept for the next ones, since the loop runs one transaction at a time. Dropped when a
    /// transaction fails, so the next one starts on a fresh connection; closed once the loop has ended.
    /// </summary>
    private WriterSession? _writer;

    /// <inheritdoc cref="AppendBatcher.BeforeTransactionAsync"/>
    internal Func<int, Task>? BeforeTransactionAsync
    {
        get => _batcher.BeforeTransactionAsync;
        set => _batcher.BeforeTransactionAsync = value;
    }

    private async Task<AppendCallResult[]> WriteTransactionAsync(IReadOnlyList<ChatAppend> appends)
    {
        // Only the writer loop gets here, on a thread-pool thread (never a grain's turn), one transaction at a time.
        var writer = _writer ??= await WriterSession.OpenAsync(_database).ConfigureAwait(false);
        try
        {
            return await AppendSavepoints.RunAsync(savepointPerCall => WriteAsync(writer, appends, savepointPerCall)).ConfigureAwait(false);
        }
        catch
        {
            // The connection's state is not known after a failed transaction: the next one opens a new connection.
            await CloseWriterAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>One transaction, committed; null (and rolled back) when it ran without savepoints and a call conflicted.</summary>
    private async Task<AppendCallResult[]?> WriteAsync(WriterSession writer, IReadOnlyList<ChatAppend> appends, bool savepointPerCall)
    {
        // BEGIN IMMEDIATE: the write lock is taken up front.
        var transaction = (SqliteTransaction)await writer.Connection.BeginTransactionAsync(CancellationToken.None).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            writer.Commands.Enlist(transaction);
            try
            {
                return await AppendSavepoints.WriteAndCommitAsync(
                    transaction, appends, savepointPerCall, writer.Commands.AppendAsync, IsSeqConflict, LogSeqConflict).ConfigureAwait(false);
            }
            finally
            {
                writer.Commands.Enlist(null);
            }
        }
    }

    /// <summary>Closes the writer connection, if open; call only when no transaction runs on it.</summary>
    private async Task CloseWriterAsync()
    {
        if (Interlocked.Exchange(ref _writer, null) is { } writer)
        {
            await writer.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>SQLITE_CONSTRAINT: the call's seq (or client message id) is already stored.</summary>
    private static bool IsSeqConflict(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: SqliteConstraint };

    private void LogSeqConflict(ChatAppend append) => LogSeqConflict(_logger, append.ChatId, append.LastSeq);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Append to chat {ChatId} after seq {LastSeq} collided with a stored seq; the call fails.")]
    private static partial void LogSeqConflict(ILogger logger, string chatId, long lastSeq);

    private sealed class WriterSession(SqliteConnection connection, SqliteAppendCommands commands) : IAsyncDisposable
    {
        /// <summary>The writer connection's page cache: 64 MiB.</summary>
        private const int WriterCacheKiB = 64 * 1024;

        public SqliteConnection Connection { get; } = connection;

        public SqliteAppendCommands Commands { get; } = commands;

        public static async Task<WriterSession> OpenAsync(SqliteDatabase database)
        {
            var connection = await database.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);

            // Every append touches the rightmost pages of the messages table and scattered pages of its unique index;
            // SQLite's default 2 MiB cache made the writer read those back from the file over and over.
            await connection.ExecuteAsync($"PRAGMA cache_size = -{WriterCacheKiB};", transaction: null, CancellationToken.None).ConfigureAwait(false);
            return new WriterSession(connection, new SqliteAppendCommands(connection));
        }

        public async ValueTask DisposeAsync()
        {
            await Commands.DisposeAsync().ConfigureAwait(false);
            await Connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
