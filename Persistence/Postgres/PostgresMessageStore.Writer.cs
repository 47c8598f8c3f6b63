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

    private Task<AppendCallResult[]> WriteTransactionAsync(IReadOnlyList<ChatAppend> appends) =>
        AppendSavepoints.RunAsync(savepointPerCall => WriteAsync(appends, savepointPerCall));

    /// <summary>One transaction, committed; null (and rolled back) when it ran without savepoints and a call conflicted.</summary>
    private async Task<AppendCallResult[]?> WriteAsync(IReadOnlyList<ChatAppend> appends, bool savepointPerCall)
    {
        var connection = await _database.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(CancellationToken.None).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                return await AppendSavepoints.WriteAndCommitAsync(
                    transaction,
                    appends,
                    savepointPerCall,
                    append => PostgresAppendCommands.AppendAsync(connection, transaction, append),
                    IsSeqConflict,
                    LogSeqConflict).ConfigureAwait(false);
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
