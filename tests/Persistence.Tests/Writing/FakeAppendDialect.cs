using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using OrleansChat.Persistence.Writing;

namespace OrleansChat.Persistence.Tests;

/// <summary>
/// A database-free <see cref="IAppendDialect"/> that writes down what the writer asks of it, in order. A call to a
/// chat in <see cref="ConflictingChats"/> meets a seq conflict; <see cref="FailWritesWith"/> fails every write. The
/// first transaction can be held at a gate, so that what the next one holds is known exactly.
/// </summary>
internal sealed class FakeAppendDialect : IAppendDialect
{
    private readonly TaskCompletionSource _firstBegun = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _releaseFirst = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _holdFirst;
    private int _begun;

    public ConcurrentQueue<string> Steps { get; } = new();

    public HashSet<string> ConflictingChats { get; } = [];

    public Exception? FailWritesWith { get; set; }

    public int Disposed { get; private set; }

    /// <summary>Completes when the held first transaction has begun.</summary>
    public Task FirstBegun => _firstBegun.Task;

    public void HoldFirstTransaction() => _holdFirst = true;

    public void ReleaseFirstTransaction() => _releaseFirst.SetResult();

    public async Task<DbTransaction> BeginAsync(IReadOnlyList<ChatAppend> calls)
    {
        Steps.Enqueue($"begin {calls.Count}");
        if (++_begun == 1 && _holdFirst)
        {
            _firstBegun.SetResult();
            await _releaseFirst.Task;
        }

        return new FakeTransaction(Steps);
    }

    public Task<IReadOnlyList<AppendOutcome>> WriteCallAsync(DbTransaction transaction, ChatAppend append)
    {
        Steps.Enqueue($"write {append.ChatId}");
        if (FailWritesWith is { } failure)
        {
            throw failure;
        }

        if (ConflictingChats.Contains(append.ChatId))
        {
            throw new SeqConflictException();
        }

        IReadOnlyList<AppendOutcome> outcomes = [.. append.Messages.Select((m, i) => new AppendOutcome(
            new StoredMessage(append.ChatId, append.LastSeq + i + 1, m.MessageId, m.SenderId, m.ClientMsgId, m.Content, m.SentAt),
            IsDuplicate: false))];
        return Task.FromResult(outcomes);
    }

    public bool IsSeqConflict(Exception exception) => exception is SeqConflictException;

    public ValueTask EndAsync(DbTransaction transaction, bool failed)
    {
        Steps.Enqueue(failed ? "end failed" : "end");
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        Disposed++;
        return ValueTask.CompletedTask;
    }

    public sealed class SeqConflictException() : Exception("seq taken");

    private sealed class FakeTransaction(ConcurrentQueue<string> steps) : DbTransaction
    {
        public override IsolationLevel IsolationLevel => IsolationLevel.Serializable;

        protected override DbConnection? DbConnection => null;

        public override void Commit() => steps.Enqueue("commit");

        public override void Rollback() => steps.Enqueue("rollback");

        public override void Save(string savepointName) => steps.Enqueue("save");

        public override void Rollback(string savepointName) => steps.Enqueue("rollback to save");

        public override void Release(string savepointName) => steps.Enqueue("release");
    }
}
