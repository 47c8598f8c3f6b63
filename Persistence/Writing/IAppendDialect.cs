using System.Data.Common;

namespace OrleansChat.Persistence.Writing;

/// <summary>
/// What <see cref="AppendWriter"/> needs from one database to write a merged append transaction; the writer owns the
/// rest (the queue, the merge, the fast pass and the savepoint pass). Only the writer loop calls it, one transaction
/// at a time, so an implementation may keep its connection between transactions.
/// </summary>
internal interface IAppendDialect : IAsyncDisposable
{
    /// <summary>
    /// Begins a transaction for one pass over <paramref name="calls"/>: one pass usually, a second one over the same
    /// calls when the first met a seq conflict. On failure it leaves nothing open.
    /// </summary>
    Task<DbTransaction> BeginAsync(IReadOnlyList<ChatAppend> calls);

    /// <summary>
    /// Writes one call inside <paramref name="transaction"/>: duplicates come back as stored and take no seq, the
    /// others take <c>LastSeq + 1, ...</c> with their outbox rows. A seq already taken throws the database's error.
    /// </summary>
    Task<IReadOnlyList<AppendOutcome>> WriteCallAsync(DbTransaction transaction, ChatAppend append);

    /// <summary>
    /// Called once the calls of a pass are written, right before the commit: writes what the dialect deferred to the end
    /// of the transaction. A failure fails the transaction as a failed commit does.
    /// </summary>
    Task FinishAsync(DbTransaction transaction) => Task.CompletedTask;

    /// <summary>
    /// Called after each commit, before the calls are answered: what must follow a commit and cannot be part of it (the
    /// files of deleted attachments). It must not throw: the calls are stored whatever it meets.
    /// </summary>
    ValueTask CommittedAsync() => ValueTask.CompletedTask;

    /// <summary>Whether <paramref name="exception"/> of <see cref="WriteCallAsync"/> is the database's constraint violation.</summary>
    bool IsSeqConflict(Exception exception);

    /// <summary>
    /// Releases what <see cref="BeginAsync"/> took, once the transaction has committed or rolled back, or after a
    /// failure (<paramref name="failed"/>): the connection's state is then unknown and must not be used again.
    /// </summary>
    ValueTask EndAsync(DbTransaction transaction, bool failed);
}
