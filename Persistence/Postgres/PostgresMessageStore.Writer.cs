using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace OrleansChat.Persistence.Postgres;

/// <summary>The silo-wide writer loop that merges concurrent appends into few transactions.</summary>
public sealed partial class PostgresMessageStore
{
    private const string CallSavepoint = "append_call";

    /// <summary>
    /// Test hook: awaited by the writer loop before each transaction, with the number of calls in it.
    /// A hook that throws fails that transaction's calls like any other transaction failure.
    /// </summary>
    internal Func<int, Task>? BeforeTransactionAsync { get; set; }

    private async Task RunWriterAsync()
    {
        var reader = _appends.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var calls = TakeCalls(reader);
            if (calls.Count > 0)
            {
                await WriteCallsAsync(calls).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The calls waiting now, oldest first, up to the message cap (a larger single call goes alone).</summary>
    private List<PendingAppend> TakeCalls(ChannelReader<PendingAppend> reader)
    {
        var calls = new List<PendingAppend>();
        var messages = 0;
        while (reader.TryPeek(out var next) && (calls.Count == 0 || messages + next.Append.Messages.Count <= _maxMessagesPerTransaction))
        {
            reader.TryRead(out _);
            if (next.CancellationToken.IsCancellationRequested)
            {
                next.Completion.TrySetCanceled(next.CancellationToken);
                continue;
            }

            calls.Add(next);
            messages += next.Append.Messages.Count;
        }

        return calls;
    }

    private async Task WriteCallsAsync(List<PendingAppend> calls)
    {
        CallResult[] results;
        try
        {
            if (BeforeTransactionAsync is { } hook)
            {
                await hook(calls.Count).ConfigureAwait(false);
            }

            results = await WriteTransactionAsync(calls).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The loop must survive any failure: it is handed to the callers instead.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogTransactionFailed(_logger, exception, calls.Count);
            foreach (var call in calls)
            {
                call.Completion.TrySetException(
                    new StoreUnavailableException("The append transaction did not commit: nothing of it was stored.", exception));
            }

            return;
        }

        for (var i = 0; i < calls.Count; i++)
        {
            if (results[i].Failure is { } failure)
            {
                calls[i].Completion.TrySetException(failure);
            }
            else
            {
                calls[i].Completion.TrySetResult(results[i].Outcomes!);
            }
        }
    }

    private async Task<CallResult[]> WriteTransactionAsync(List<PendingAppend> calls)
    {
        var connection = await _database.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(CancellationToken.None).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var results = new CallResult[calls.Count];
                for (var i = 0; i < calls.Count; i++)
                {
                    results[i] = await WriteCallAsync(connection, transaction, calls[i].Append).ConfigureAwait(false);
                }

                await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
                return results;
            }
        }
    }

    /// <summary>One call inside its own savepoint: a unique violation undoes this call only.</summary>
    private async Task<CallResult> WriteCallAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ChatAppend append)
    {
        await transaction.SaveAsync(CallSavepoint, CancellationToken.None).ConfigureAwait(false);
        try
        {
            var outcomes = await PostgresAppendCommands.AppendAsync(connection, transaction, append).ConfigureAwait(false);
            await transaction.ReleaseAsync(CallSavepoint, CancellationToken.None).ConfigureAwait(false);
            return new CallResult(outcomes, Failure: null);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            await transaction.RollbackAsync(CallSavepoint, CancellationToken.None).ConfigureAwait(false);
            await transaction.ReleaseAsync(CallSavepoint, CancellationToken.None).ConfigureAwait(false);
            LogSeqConflict(_logger, append.ChatId, append.LastSeq);
            return new CallResult(
                Outcomes: null,
                new StoreUnavailableException(
                    $"A seq after {append.LastSeq} of chat '{append.ChatId}' is already stored (another writer appended): nothing of this call was stored; reload the last seq.",
                    exception));
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "An append transaction of {CallCount} calls did not commit; the calls fail.")]
    private static partial void LogTransactionFailed(ILogger logger, Exception exception, int callCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Append to chat {ChatId} after seq {LastSeq} collided with a stored message; the call fails.")]
    private static partial void LogSeqConflict(ILogger logger, string chatId, long lastSeq);

    private sealed class PendingAppend(ChatAppend append, CancellationToken cancellationToken)
    {
        public ChatAppend Append { get; } = append;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        public TaskCompletionSource<IReadOnlyList<AppendOutcome>> Completion { get; } =
            new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private readonly record struct CallResult(IReadOnlyList<AppendOutcome>? Outcomes, Exception? Failure);
}
