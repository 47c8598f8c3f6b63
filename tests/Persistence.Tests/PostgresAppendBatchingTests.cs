using Npgsql;
using OrleansChat.Persistence.Postgres;

namespace OrleansChat.Persistence.Tests;

/// <summary>
/// The PostgreSQL store's writer loop and failure mapping. The first transaction is held at a gate while more calls
/// queue up, so what the next transaction holds is known exactly.
/// </summary>
public sealed class PostgresAppendBatchingTests(PostgresTestDatabase database) : IClassFixture<PostgresTestDatabase>
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_780_000_000_000);

    private readonly List<int> _transactionSizes = [];
    private readonly TaskCompletionSource _firstTransactionStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _releaseFirstTransaction = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _run = Guid.NewGuid().ToString("N");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Appends_that_arrive_during_a_transaction_are_written_together_in_the_next_one()
    {
        await using var opened = GatedStore();
        var first = Append(opened.Store, Chat("room-0"), 0, "c1");
        await _firstTransactionStarted.Task;

        var queued = Enumerable.Range(1, 10).Select(i => Append(opened.Store, Chat($"room-{i}"), 0, "c1")).ToArray();
        _releaseFirstTransaction.SetResult();
        await first;
        var outcomes = await Task.WhenAll(queued);

        Assert.Equal([1, 10], _transactionSizes);
        Assert.All(outcomes, o => Assert.Equal(1, Assert.Single(o).Message.Seq));
    }

    [Fact]
    public async Task A_seq_collision_fails_only_the_call_that_caused_it()
    {
        await using var opened = GatedStore();
        var first = Append(opened.Store, Chat("taken"), 0, "c1");
        await _firstTransactionStarted.Task;

        var before = Append(opened.Store, Chat("room-a"), 0, "c1");
        var stale = Append(opened.Store, Chat("taken"), 0, "c2");
        var after = Append(opened.Store, Chat("room-b"), 0, "c1");
        _releaseFirstTransaction.SetResult();
        await first;

        var failure = await Assert.ThrowsAsync<StoreUnavailableException>(() => stale);
        Assert.Equal(PostgresErrorCodes.UniqueViolation, Assert.IsType<PostgresException>(failure.InnerException).SqlState);
        Assert.Equal(1, Assert.Single(await before).Message.Seq);
        Assert.Equal(1, Assert.Single(await after).Message.Seq);
        Assert.Equal([1, 3], _transactionSizes);
        Assert.Null(await StoredMessages.FindAsync(opened.Store, Chat("taken"), "alice", "c2", Ct));
    }

    [Fact]
    public async Task Two_stores_appending_to_one_chat_at_once_never_share_a_seq()
    {
        database.Require();
        await using var one = database.OpenStore();
        await using var two = database.OpenStore();
        var chat = Chat("contended");

        var results = await Task.WhenAll(
            Task.Run(() => Attempt(Append(one.Store, chat, 0, "from-one")), Ct),
            Task.Run(() => Attempt(Append(two.Store, chat, 0, "from-two")), Ct));

        Assert.Equal(1, results.Count(r => r));
        Assert.Equal(1, (await one.Store.GetLastAsync(chat, Ct))?.Seq ?? 0);
    }

    [Fact]
    public async Task An_unreachable_database_fails_reads_appends_and_health_checks_with_StoreUnavailableException()
    {
        database.Require();
        await using var store = new PostgresTestDatabase.StoreOverDatabase(PostgresTestDatabase.Open(PostgresTestDatabase.UnreachableConnectionString()), 2000);

        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.Store.CheckHealthAsync(Ct));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.Store.GetLastAsync("room", Ct));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.Store.ReadAsync("room", MessageRange.After(0, 10), Ct));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => Append(store.Store, "room", 0, "c1"));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.Store.ClaimAsync(10, T0, T0.AddMinutes(1), Ct));
    }

    private static async Task<bool> Attempt(Task append)
    {
        try
        {
            await append;
            return true;
        }
        catch (StoreUnavailableException)
        {
            return false;
        }
    }

    private PostgresTestDatabase.StoreOverDatabase GatedStore()
    {
        database.Require();
        return database.OpenStore(beforeTransactionAsync: async calls =>
        {
            _transactionSizes.Add(calls);
            if (_transactionSizes.Count == 1)
            {
                _firstTransactionStarted.SetResult();
                await _releaseFirstTransaction.Task;
            }
        });
    }

    private string Chat(string name) => $"{name}-{_run}";

    private static Task<IReadOnlyList<AppendOutcome>> Append(PostgresMessageStore store, string chatId, long lastSeq, params string[] clientMsgIds) =>
        store.AppendAsync(new ChatAppend(chatId, lastSeq, [.. clientMsgIds.Select(id => new NewMessage(Guid.CreateVersion7(), "alice", id, $"message {id}", T0, []))]), Ct);
}
