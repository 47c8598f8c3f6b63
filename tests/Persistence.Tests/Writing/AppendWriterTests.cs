using Microsoft.Extensions.Logging.Abstractions;
using OrleansChat.Persistence.Writing;

namespace OrleansChat.Persistence.Tests;

/// <summary>The append writer's loop, merge and two passes, on a fake dialect: no database, no cluster.</summary>
public sealed class AppendWriterTests : IAsyncDisposable
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_780_000_000_000);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly FakeAppendDialect _dialect = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _dialect.DisposeAsync();

    [Fact]
    public async Task Calls_that_queue_during_a_transaction_are_merged_in_order_into_one_transaction_with_one_commit()
    {
        _dialect.HoldFirstTransaction();
        await using var writer = Writer();
        var first = Append(writer, "room-0");
        await _dialect.FirstBegun;

        var queued = new[] { Append(writer, "room-1"), Append(writer, "room-2"), Append(writer, "room-3") };
        _dialect.ReleaseFirstTransaction();
        await Task.WhenAll([first, .. queued]).WaitAsync(Patience, Ct);

        Assert.Equal(
            ["begin 1", "write room-0", "commit", "end", "begin 3", "write room-1", "write room-2", "write room-3", "commit", "end"],
            _dialect.Steps);
        Assert.Equal(["room-1", "room-2", "room-3"], queued.Select(call => Assert.Single(call.Result).Message.ChatId));
    }

    [Fact]
    public async Task A_seq_conflict_rolls_the_fast_pass_back_and_writes_each_call_again_in_its_own_savepoint()
    {
        _dialect.HoldFirstTransaction();
        _dialect.ConflictingChats.Add("taken");
        await using var writer = Writer();
        var first = Append(writer, "room-0");
        await _dialect.FirstBegun;

        var before = Append(writer, "room-a");
        var stale = Append(writer, "taken");
        var after = Append(writer, "room-b");
        _dialect.ReleaseFirstTransaction();
        await first.WaitAsync(Patience, Ct);

        var failure = await Assert.ThrowsAsync<StoreUnavailableException>(() => stale.WaitAsync(Patience, Ct));
        Assert.IsType<FakeAppendDialect.SeqConflictException>(failure.InnerException);
        Assert.Equal("room-a", Assert.Single(await before).Message.ChatId);
        Assert.Equal("room-b", Assert.Single(await after).Message.ChatId);
        Assert.Equal(
            [
                "begin 1", "write room-0", "commit", "end",
                "begin 3", "write room-a", "write taken", "rollback", "end",
                "begin 3",
                "save", "write room-a", "release",
                "save", "write taken", "rollback to save", "release",
                "save", "write room-b", "release",
                "commit", "end",
            ],
            _dialect.Steps);
    }

    [Fact]
    public async Task A_transaction_that_fails_answers_every_call_in_it_with_StoreUnavailableException_and_the_loop_goes_on()
    {
        _dialect.HoldFirstTransaction();
        await using var writer = Writer();
        var first = Append(writer, "room-0");
        await _dialect.FirstBegun;
        var disk = new IOException("disk on fire");
        _dialect.FailWritesWith = disk;

        var doomed = new[] { Append(writer, "room-1"), Append(writer, "room-2"), Append(writer, "room-3") };
        _dialect.ReleaseFirstTransaction();

        // The held first transaction writes after the failure is armed, so it fails too: four calls, all answered.
        foreach (var call in (Task<IReadOnlyList<AppendOutcome>>[])[first, .. doomed])
        {
            var failure = await Assert.ThrowsAsync<StoreUnavailableException>(() => call.WaitAsync(Patience, Ct));
            Assert.Same(disk, failure.InnerException);
        }

        _dialect.FailWritesWith = null;
        Assert.Equal("room-1", Assert.Single(await Append(writer, "room-1").WaitAsync(Patience, Ct)).Message.ChatId);
        Assert.Equal(["end failed", "end failed", "end"], _dialect.Steps.Where(step => step.StartsWith("end", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Every_call_of_many_concurrent_senders_is_answered_and_disposing_answers_the_queued_ones_first()
    {
        _dialect.ConflictingChats.Add("taken");
        var writer = Writer(maxMessagesPerTransaction: 7);
        var calls = await Task.WhenAll(Enumerable.Range(0, 8).Select(sender => Task.Run(
            () => Enumerable.Range(0, 100).Select(i => Append(writer, i % 10 == 0 ? "taken" : $"room-{sender}-{i}")).ToArray(),
            Ct)));

        await writer.DisposeAsync();

        var all = calls.SelectMany(c => c).ToArray();
        Assert.All(all, call => Assert.True(call.IsCompleted));
        Assert.Equal(80, all.Count(call => call.Exception?.InnerException is StoreUnavailableException));
        Assert.Equal(720, all.Count(call => call.IsCompletedSuccessfully));
        Assert.Equal(1, _dialect.Disposed);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => Append(writer, "room-late"));
    }

    private AppendWriter Writer(int maxMessagesPerTransaction = 2000) =>
        new("FakeStore", maxMessagesPerTransaction, _dialect, TestStorageMetrics.Create(), NullLogger.Instance);

    private static Task<IReadOnlyList<AppendOutcome>> Append(AppendWriter writer, string chatId) =>
        writer.AppendAsync(new ChatAppend(chatId, 0, [new NewMessage(Guid.CreateVersion7(), "alice", "c1", "hello", T0, [])]), Ct);
}
