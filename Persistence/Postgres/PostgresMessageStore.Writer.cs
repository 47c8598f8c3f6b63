using Microsoft.Extensions.Logging;
using Npgsql;

namespace OrleansChat.Persistence.Postgres;

/// <summary>The append transaction the silo-wide <see cref="AppendBatcher"/> runs for the calls it merged.</summary>
public sealed partial class PostgresMessageStore
{
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
            var transaction = await connection.BeginTransactionAsync(CancellationToken.None).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var results = await AppendSavepoints.WriteEachAsync(
                    transaction,
                    appends,
                    append => PostgresAppendCommands.AppendAsync(connection, transaction, append),
                    IsSeqConflict,
                    LogSeqConflict).ConfigureAwait(false);
                await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
                return results;
            }
        }
    }

    /// <summary>A unique violation: the call's seq (or client message id) is already stored.</summary>
    private static bool IsSeqConflict(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    private void LogSeqConflict(ChatAppend append) => LogSeqConflict(_logger, append.ChatId, append.LastSeq);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Append to chat {ChatId} after seq {LastSeq} collided with a stored message; the call fails.")]
    private static partial void LogSeqConflict(ILogger logger, string chatId, long lastSeq);
}
