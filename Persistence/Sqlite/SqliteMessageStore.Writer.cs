using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace OrleansChat.Persistence.Sqlite;

/// <summary>The append transaction the silo-wide <see cref="AppendBatcher"/> runs for the calls it merged.</summary>
public sealed partial class SqliteMessageStore
{
    private const int SqliteConstraint = 19;

    /// <inheritdoc cref="AppendBatcher.BeforeTransactionAsync"/>
    internal Func<int, Task>? BeforeTransactionAsync
    {
        get => _batcher.BeforeTransactionAsync;
        set => _batcher.BeforeTransactionAsync = value;
    }

    private async Task<AppendCallResult[]> WriteTransactionAsync(IReadOnlyList<ChatAppend> appends)
    {
        var connection = await _database.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // BEGIN IMMEDIATE: the write lock is taken up front.
            var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(CancellationToken.None).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var commands = new SqliteAppendCommands(connection, transaction);
                await using (commands.ConfigureAwait(false))
                {
                    var results = await AppendSavepoints.WriteEachAsync(
                        transaction, appends, commands.AppendAsync, IsSeqConflict, LogSeqConflict).ConfigureAwait(false);
                    await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
                    return results;
                }
            }
        }
    }

    /// <summary>SQLITE_CONSTRAINT: the call's seq (or client message id) is already stored.</summary>
    private static bool IsSeqConflict(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: SqliteConstraint };

    private void LogSeqConflict(ChatAppend append) => LogSeqConflict(_logger, append.ChatId, append.LastSeq);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Append to chat {ChatId} after seq {LastSeq} collided with a stored seq; the call fails.")]
    private static partial void LogSeqConflict(ILogger logger, string chatId, long lastSeq);
}
