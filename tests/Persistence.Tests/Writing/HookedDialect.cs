using System.Data.Common;
using OrleansChat.Persistence.Writing;

namespace OrleansChat.Persistence.Tests;

/// <summary>
/// A store's real dialect with a test's step run before each merged transaction, given the number of calls in it.
/// A step that throws fails that transaction's calls like any other transaction failure.
/// </summary>
internal sealed class HookedDialect(IAppendDialect inner, Func<int, Task> beforeTransactionAsync) : IAppendDialect
{
    private IReadOnlyList<ChatAppend>? _current;

    public async Task<DbTransaction> BeginAsync(IReadOnlyList<ChatAppend> calls)
    {
        // The savepoint pass after a seq conflict begins again over the same merged calls: the same transaction's retry.
        if (!ReferenceEquals(calls, _current))
        {
            _current = calls;
            await beforeTransactionAsync(calls.Count);
        }

        return await inner.BeginAsync(calls);
    }

    public Task<IReadOnlyList<AppendOutcome>> WriteCallAsync(DbTransaction transaction, ChatAppend append) =>
        inner.WriteCallAsync(transaction, append);

    public bool IsSeqConflict(Exception exception) => inner.IsSeqConflict(exception);

    public Task FinishAsync(DbTransaction transaction) => inner.FinishAsync(transaction);

    public ValueTask CommittedAsync() => inner.CommittedAsync();

    public ValueTask EndAsync(DbTransaction transaction, bool failed) => inner.EndAsync(transaction, failed);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
