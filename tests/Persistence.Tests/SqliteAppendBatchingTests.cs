using Microsoft.Data.Sqlite;
using OrleansChat.Persistence.Sqlite;

namespace OrleansChat.Persistence.Tests;

/// <summary>
/// The SQLite store's writer loop. The first transaction is held at a gate while more calls queue up,
/// so what the next transaction holds is known exactly.
/// </summary>
public sealed class SqliteAppendBatchingTests : IDisposable
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_780_000_000_000);

    private readonly SqliteTestDatabase _files = new();
    private readonly List<int> _transactionSizes = [];
    private readonly TaskCompletionSource _firstTransactionStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _releaseFirstTransaction = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Appends_that_arrive_during_a_transaction_are_written_together_in_the_next_one()
    {
        await using var store = GatedStore();
        var first = Append(store, "room-0", 0, "c1");
        await _firstTransactionStarted.Task;

        var queued = Enumerable.Range(1, 10).Select(i => Append(store, $"room-{i}", 0, "c1")).ToArray();
        _releaseFirstTransaction.SetResult();
        await first;
        var outcomes = await Task.WhenAll(queued);

        Assert.Equal([1, 10], _transactionSizes);
        Assert.All(outcomes, o => Assert.Equal(1, Assert.Single(o).Message.Seq));
    }

    [Fact]
    public async Task A_transaction_holds_at_most_the_configured_number_of_messages()
    {
        await using var store = GatedStore(maxMessagesPerTransaction: 3);
        var first = Append(store, "room-0", 0, "c1");
        await _firstTransactionStarted.Task;

        var queued = Enumerable.Range(1, 5).Select(i => Append(store, $"room-{i}", 0, "c1")).ToArray();
        _releaseFirstTransaction.SetResult();
        await first;
        await Task.WhenAll(queued);

        Assert.Equal([1, 3, 2], _transactionSizes);
    }

    [Fact]
    public async Task A_call_larger_than_the_cap_is_written_alone_and_whole()
    {
        await using var store = GatedStore(maxMessagesPerTransaction: 3);
        var first = Append(store, "room-0", 0, "c1");
        await _firstTransactionStarted.Task;

        var large = Append(store, "room-1", 0, "c1", "c2", "c3", "c4", "c5");
        var small = Append(store, "room-2", 0, "c1");
        _releaseFirstTransaction.SetResult();
        await first;

        Assert.Equal([1L, 2L, 3L, 4L, 5L], (await large).Select(o => o.Message.Seq));
        Assert.Single(await small);
        Assert.Equal([1, 1, 1], _transactionSizes);
    }

    [Fact]
    public async Task A_seq_collision_fails_only_the_call_that_caused_it()
    {
        await using var store = GatedStore();
        var first = Append(store, "taken", 0, "c1");
        await _firstTransactionStarted.Task;

        var before = Append(store, "room-a", 0, "c1");
        var stale = Append(store, "taken", 0, "c2");
        var after = Append(store, "room-b", 0, "c1");
        _releaseFirstTransaction.SetResult();
        await first;

        await Assert.ThrowsAsync<StoreUnavailableException>(() => stale);
        Assert.Equal(1, Assert.Single(await before).Message.Seq);
        Assert.Equal(1, Assert.Single(await after).Message.Seq);
        Assert.Equal([1, 3], _transactionSizes);
        Assert.Null(await StoredMessages.FindAsync(store, "taken", "alice", "c2", Ct));
    }

    [Fact]
    public async Task A_seq_collision_surfaces_as_StoreUnavailableException_around_the_SQLite_constraint_error()
    {
        await using var store = _files.OpenStore();
        await Append(store, "room", 0, "c1");

        var failure = await Assert.ThrowsAsync<StoreUnavailableException>(() => Append(store, "room", 0, "c2"));

        var inner = Assert.IsType<SqliteException>(failure.InnerException);
        Assert.Equal(19, inner.SqliteErrorCode); // SQLITE_CONSTRAINT
    }

    [Fact]
    public async Task A_failed_transaction_fails_every_call_in_it_and_the_writer_goes_on()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var failure = new IOException("disk on fire");
        var transactions = 0;
        await using var store = _files.OpenStore(beforeTransactionAsync: async _ =>
        {
            switch (++transactions)
            {
                case 1:
                    started.SetResult();
                    await release.Task;
                    break;
                case 2:
                    throw failure;
            }
        });
        var first = Append(store, "room-0", 0, "c1");
        await started.Task;
        var doomed = new[] { Append(store, "room-1", 0, "c1"), Append(store, "room-2", 0, "c1") };
        release.SetResult();
        await first;

        foreach (var call in doomed)
        {
            Assert.Same(failure, (await Assert.ThrowsAsync<StoreUnavailableException>(() => call)).InnerException);
        }

        Assert.Equal(1, Assert.Single(await Append(store, "room-1", 0, "c1")).Message.Seq);
        Assert.Equal(0, (await store.GetLastAsync("room-2", Ct))?.Seq ?? 0);
    }

    [Fact]
    public async Task A_call_cancelled_while_it_waits_is_not_written()
    {
        await using var store = GatedStore();
        var first = Append(store, "room-0", 0, "c1");
        await _firstTransactionStarted.Task;
        using var cancellation = new CancellationTokenSource();

        var cancelled = store.AppendAsync(new ChatAppend("room-1", 0, [Message("c1")]), cancellation.Token);
        await cancellation.CancelAsync();
        _releaseFirstTransaction.SetResult();
        await first;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(0, (await store.GetLastAsync("room-1", Ct))?.Seq ?? 0);
    }

    [Fact]
    public async Task Disposing_the_store_commits_the_queued_appends_and_refuses_new_ones()
    {
        var store = GatedStore();
        var first = Append(store, "room-0", 0, "c1");
        await _firstTransactionStarted.Task;
        var queued = Append(store, "room-1", 0, "c1");

        var disposing = store.DisposeAsync();
        _releaseFirstTransaction.SetResult();
        await disposing;

        Assert.True(first.IsCompletedSuccessfully);
        Assert.Equal(1, Assert.Single(await queued).Message.Seq);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => Append(store, "room-2", 0, "c1"));
    }

    private SqliteMessageStore GatedStore(int maxMessagesPerTransaction = 2000)
    {
        return _files.OpenStore(maxMessagesPerTransaction, async calls =>
        {
            _transactionSizes.Add(calls);
            if (_transactionSizes.Count == 1)
            {
                _firstTransactionStarted.SetResult();
                await _releaseFirstTransaction.Task;
            }
        });
    }

    private static Task<IReadOnlyList<AppendOutcome>> Append(SqliteMessageStore store, string chatId, long lastSeq, params string[] clientMsgIds) =>
        store.AppendAsync(new ChatAppend(chatId, lastSeq, [.. clientMsgIds.Select(id => Message(id))]), Ct);

    private static NewMessage Message(string clientMsgId) =>
        new(Guid.CreateVersion7(), "alice", clientMsgId, $"message {clientMsgId}", T0, []);
}
