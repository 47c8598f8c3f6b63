using System.Data.Common;

namespace OrleansChat.Persistence;

/// <summary>
/// Writes the calls of a merged append transaction so that a call whose seq is already taken (its room's last seq was
/// stale, or another writer appended) fails alone and the others still commit: first all together, and only if one
/// conflicts, again with each call inside its own savepoint.
/// </summary>
internal static class AppendSavepoints
{
    private const string CallSavepoint = "append_call";

    /// <summary>Writes <paramref name="appends"/> in order inside <paramref name="transaction"/>, which the caller commits.</summary>
    /// <param name="transaction">The open transaction.</param>
    /// <param name="appends">The merged calls.</param>
    /// <param name="writeAsync">Writes one call's messages with the store's SQL.</param>
    /// <param name="isSeqConflict">Whether an exception of <paramref name="writeAsync"/> is the database's constraint violation.</param>
    /// <param name="onSeqConflict">Called after a conflicting call was undone (to log it).</param>
    /// <returns>One result per call, in order; a conflicting call's failure is a <see cref="StoreUnavailableException"/>.</returns>
    private static async Task<AppendCallResult[]> WriteEachAsync(
        DbTransaction transaction,
        IReadOnlyList<ChatAppend> appends,
        Func<ChatAppend, Task<IReadOnlyList<AppendOutcome>>> writeAsync,
        Func<Exception, bool> isSeqConflict,
        Action<ChatAppend> onSeqConflict)
    {
        var results = new AppendCallResult[appends.Count];
        for (var i = 0; i < appends.Count; i++)
        {
            results[i] = await WriteCallAsync(transaction, appends[i], writeAsync, isSeqConflict, onSeqConflict).ConfigureAwait(false);
        }

        return results;
    }

    /// <summary>
    /// Runs a store's append transaction without savepoints, and again with a savepoint per call only when the first
    /// run met a seq conflict and rolled back. A conflict is rare (a room's stale last seq after a failover), and two
    /// statements per call were a large share of the writer's time.
    /// </summary>
    /// <param name="runTransactionAsync">
    /// Begins a transaction and hands it to <see cref="WriteAndCommitAsync"/> with the flag.
    /// </param>
    public static async Task<AppendCallResult[]> RunAsync(Func<bool, Task<AppendCallResult[]?>> runTransactionAsync) =>
        await runTransactionAsync(false).ConfigureAwait(false)
        ?? await runTransactionAsync(true).ConfigureAwait(false)
        ?? throw new InvalidOperationException("A transaction with a savepoint per call always has results.");

    /// <summary>
    /// Writes the calls in the open <paramref name="transaction"/> and commits it: with a savepoint per call when
    /// <paramref name="savepointPerCall"/>, otherwise without, and then a seq conflict rolls it back and returns null.
    /// </summary>
    public static async Task<AppendCallResult[]?> WriteAndCommitAsync(
        DbTransaction transaction,
        IReadOnlyList<ChatAppend> appends,
        bool savepointPerCall,
        Func<ChatAppend, Task<IReadOnlyList<AppendOutcome>>> writeAsync,
        Func<Exception, bool> isSeqConflict,
        Action<ChatAppend> onSeqConflict)
    {
        var results = savepointPerCall
            ? await WriteEachAsync(transaction, appends, writeAsync, isSeqConflict, onSeqConflict).ConfigureAwait(false)
            : await TryWriteAllAsync(appends, writeAsync, isSeqConflict).ConfigureAwait(false);
        if (results is null)
        {
            await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
            return null;
        }

        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        return results;
    }

    /// <summary>
    /// Writes <paramref name="appends"/> in order inside the caller's open transaction with no savepoints, the fast way
    /// for the usual transaction where no call conflicts. Returns null as soon as one call hits a seq conflict: the
    /// transaction then holds part of the calls, and the caller rolls it back and writes them with <see cref="WriteEachAsync"/>.
    /// </summary>
    private static async Task<AppendCallResult[]?> TryWriteAllAsync(
        IReadOnlyList<ChatAppend> appends,
        Func<ChatAppend, Task<IReadOnlyList<AppendOutcome>>> writeAsync,
        Func<Exception, bool> isSeqConflict)
    {
        var results = new AppendCallResult[appends.Count];
        for (var i = 0; i < appends.Count; i++)
        {
            try
            {
                results[i] = new AppendCallResult(await writeAsync(appends[i]).ConfigureAwait(false), Failure: null);
            }
            catch (Exception exception) when (isSeqConflict(exception))
            {
                return null;
            }
        }

        return results;
    }

    private static async Task<AppendCallResult> WriteCallAsync(
        DbTransaction transaction,
        ChatAppend append,
        Func<ChatAppend, Task<IReadOnlyList<AppendOutcome>>> writeAsync,
        Func<Exception, bool> isSeqConflict,
        Action<ChatAppend> onSeqConflict)
    {
        await transaction.SaveAsync(CallSavepoint, CancellationToken.None).ConfigureAwait(false);
        try
        {
            var outcomes = await writeAsync(append).ConfigureAwait(false);
            await transaction.ReleaseAsync(CallSavepoint, CancellationToken.None).ConfigureAwait(false);
            return new AppendCallResult(outcomes, Failure: null);
        }
        catch (Exception exception) when (isSeqConflict(exception))
        {
            await transaction.RollbackAsync(CallSavepoint, CancellationToken.None).ConfigureAwait(false);
            await transaction.ReleaseAsync(CallSavepoint, CancellationToken.None).ConfigureAwait(false);
            onSeqConflict(append);
            return new AppendCallResult(
                Outcomes: null,
                new StoreUnavailableException(
                    $"A seq after {append.LastSeq} of chat '{append.ChatId}' is already stored (another writer appended): nothing of this call was stored; reload the last seq.",
                    exception));
        }
    }
}
