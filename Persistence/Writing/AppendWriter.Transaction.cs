using System.Data.Common;
using Microsoft.Extensions.Logging;

namespace OrleansChat.Persistence.Writing;

/// <summary>The two passes of one merged append transaction: all calls together, or each in its own savepoint.</summary>
internal sealed partial class AppendWriter
{
    private const string CallSavepoint = "append_call";

    /// <summary>Writes and commits the merged calls; one result per call, in order.</summary>
    private async Task<AppendCallResult[]> WriteTransactionAsync(List<ChatAppend> appends)
    {
        var results = new AppendCallResult[appends.Count];
        if (!await TryWriteTogetherAsync(appends, results).ConfigureAwait(false))
        {
            await WriteEachInSavepointAsync(appends, results).ConfigureAwait(false);
        }

        return results;
    }

    /// <summary>
    /// The fast pass: every call in order with no savepoints, then commit. Returns false, with the transaction rolled
    /// back, as soon as one call meets a seq conflict: the transaction then holds part of the calls.
    /// </summary>
    private async Task<bool> TryWriteTogetherAsync(List<ChatAppend> appends, AppendCallResult[] results)
    {
        var transaction = await _dialect.BeginAsync(appends).ConfigureAwait(false);
        var failed = true;
        try
        {
            for (var i = 0; i < appends.Count; i++)
            {
                try
                {
                    results[i] = new AppendCallResult(await _dialect.WriteCallAsync(transaction, appends[i]).ConfigureAwait(false), Failure: null);
                }
                catch (Exception exception) when (_dialect.IsSeqConflict(exception) || exception is AttachmentsTakenException)
                {
                    await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
                    failed = false;
                    return false;
                }
            }

            await _dialect.FinishAsync(transaction).ConfigureAwait(false);
            await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
            failed = false;
            await _dialect.CommittedAsync().ConfigureAwait(false);
            return true;
        }
        finally
        {
            await _dialect.EndAsync(transaction, failed).ConfigureAwait(false);
        }
    }

    /// <summary>The conflict pass: each call inside its own savepoint, so a conflicting call is undone alone; then commit.</summary>
    private async Task WriteEachInSavepointAsync(List<ChatAppend> appends, AppendCallResult[] results)
    {
        var transaction = await _dialect.BeginAsync(appends).ConfigureAwait(false);
        var failed = true;
        try
        {
            for (var i = 0; i < appends.Count; i++)
            {
                results[i] = await WriteInSavepointAsync(transaction, appends[i]).ConfigureAwait(false);
            }

            await _dialect.FinishAsync(transaction).ConfigureAwait(false);
            await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
            failed = false;
            await _dialect.CommittedAsync().ConfigureAwait(false);
        }
        finally
        {
            await _dialect.EndAsync(transaction, failed).ConfigureAwait(false);
        }
    }

    private async Task<AppendCallResult> WriteInSavepointAsync(DbTransaction transaction, ChatAppend append)
    {
        await transaction.SaveAsync(CallSavepoint, CancellationToken.None).ConfigureAwait(false);
        try
        {
            var outcomes = await _dialect.WriteCallAsync(transaction, append).ConfigureAwait(false);
            await transaction.ReleaseAsync(CallSavepoint, CancellationToken.None).ConfigureAwait(false);
            return new AppendCallResult(outcomes, Failure: null);
        }
        catch (AttachmentsTakenException taken)
        {
            // Another message took an upload since the room checked: this call fails alone, and its room checks again.
            await transaction.RollbackAsync(CallSavepoint, CancellationToken.None).ConfigureAwait(false);
            await transaction.ReleaseAsync(CallSavepoint, CancellationToken.None).ConfigureAwait(false);
            return new AppendCallResult(Outcomes: null, taken);
        }
        catch (Exception exception) when (_dialect.IsSeqConflict(exception))
        {
            await transaction.RollbackAsync(CallSavepoint, CancellationToken.None).ConfigureAwait(false);
            await transaction.ReleaseAsync(CallSavepoint, CancellationToken.None).ConfigureAwait(false);
            LogSeqConflict(_logger, append.ChatId, append.LastSeq);
            return new AppendCallResult(
                Outcomes: null,
                new StoreUnavailableException(
                    $"A seq after {append.LastSeq} of chat '{append.ChatId}' is already stored (another writer appended): nothing of this call was stored; reload the last seq.",
                    exception));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Append to chat {ChatId} after seq {LastSeq} collided with a stored message; the call fails.")]
    private static partial void LogSeqConflict(ILogger logger, string chatId, long lastSeq);
}
