using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OrleansChat.Persistence.Sqlite;
using OrleansChat.Persistence.Writing;

namespace OrleansChat.Persistence.Tests;

/// <summary>
/// Where the checkpointer runs, the append writer's commits never copy the write-ahead log into <c>chat.db</c>
/// themselves (an append queued behind such a commit waited for it); the checkpointer does, at each of its rounds.
/// </summary>
public sealed class SqliteCheckpointerTests : IDisposable
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_780_000_000_000);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>600 texts of about 1 KiB per round: about 2.4 MiB of log with their search index.</summary>
    private const int CallsPerRound = 6;

    private readonly SqliteTestDatabase _files = new();
    private readonly FakeTimeProvider _clock = new(T0);
    private readonly ServiceProvider _metricsServices = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MeterListener _listener = new();
    private readonly SemaphoreSlim _checkpoints = new(0);

    public SqliteCheckpointerTests()
    {
        // Only this test's meter: other tests' hosts run checkpointers of their own in this process.
        var factory = _metricsServices.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == "chat.store.checkpoint.duration" && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, _, _, _) => _checkpoints.Release());
        _listener.Start();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string DatabaseFile => _files.Database.FilePath;

    private string LogFile => _files.Database.FilePath + "-wal";

    public void Dispose()
    {
        _listener.Dispose();
        _metricsServices.Dispose();
        _checkpoints.Dispose();
        _files.Dispose();
    }

    [Fact]
    public async Task Appends_past_a_thousand_pages_of_log_leave_the_database_file_alone_until_the_checkpointer_copies_them()
    {
        using var checkpointer = await StartCheckpointerAsync();
        await using var store = _files.OpenStore();
        var chatId = $"chat-{Guid.NewGuid():N}";
        var lastSeq = await AppendRoundAsync(store, chatId, 0);
        var fileBefore = new FileInfo(DatabaseFile).Length;

        // Until the log holds more than the 1,000 pages after which SQLite's own commits would have checkpointed it.
        for (var round = 0; round < 10 && new FileInfo(LogFile).Length <= 1000 * 4096 * 2; round++)
        {
            lastSeq = await AppendRoundAsync(store, chatId, lastSeq);
        }

        Assert.True(new FileInfo(LogFile).Length > 1000 * 4096 * 2, "the rounds did not take the log past 2,000 pages");
        Assert.Equal(fileBefore, new FileInfo(DatabaseFile).Length);

        _clock.Advance(Interval);
        await _checkpoints.WaitAsync(Ct);
        await checkpointer.StopAsync(Ct);

        Assert.True(new FileInfo(DatabaseFile).Length > fileBefore + (3 * 1024 * 1024), "the checkpointer did not copy the log into the database file");
        Assert.Equal(lastSeq, (await store.ReadAsync(chatId, MessageRange.Before(long.MaxValue, 1), Ct)).Messages.Single().Seq);
    }

    [Fact]
    public async Task Every_connection_new_or_again_from_the_pool_leaves_checkpoints_to_the_checkpointer()
    {
        using var checkpointer = await StartCheckpointerAsync();
        SQLitePCL.sqlite3 reused;
        await using (var first = await _files.Database.OpenConnectionAsync(Ct))
        {
            Assert.Equal(0L, await AutocheckpointAsync(first));
            reused = first.Handle!;
        }

        await using var again = await _files.Database.OpenConnectionAsync(Ct);
        await using var other = await _files.Database.OpenConnectionAsync(Ct);
        await checkpointer.StopAsync(Ct);

        Assert.Contains(reused, new[] { again.Handle, other.Handle });
        Assert.Equal(0L, await AutocheckpointAsync(again));
        Assert.Equal(0L, await AutocheckpointAsync(other));

        static async Task<long> AutocheckpointAsync(Microsoft.Data.Sqlite.SqliteConnection connection)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_autocheckpoint;";
            return (long)(await command.ExecuteScalarAsync(Ct))!;
        }
    }

    [Fact]
    public async Task Round_after_round_the_log_starts_over_instead_of_growing_with_everything_written()
    {
        using var checkpointer = await StartCheckpointerAsync();
        await using var store = _files.OpenStore();
        var chatId = $"chat-{Guid.NewGuid():N}";
        var lastSeq = await AppendRoundAsync(store, chatId, 0);
        var oneRound = new FileInfo(LogFile).Length;
        var largestLog = oneRound;
        _clock.Advance(Interval);
        await _checkpoints.WaitAsync(Ct);

        for (var round = 1; round < 8; round++)
        {
            lastSeq = await AppendRoundAsync(store, chatId, lastSeq);
            largestLog = Math.Max(largestLog, new FileInfo(LogFile).Length);
            _clock.Advance(Interval);
            await _checkpoints.WaitAsync(Ct);
        }

        await checkpointer.StopAsync(Ct);

        // The log was reused from its start after each round's checkpoint instead of holding all eight rounds.
        Assert.True(largestLog < 2 * oneRound, $"one round wrote {oneRound} bytes of log, and the log grew to {largestLog}");
        Assert.Equal(lastSeq, (await store.ReadAsync(chatId, MessageRange.Before(long.MaxValue, 1), Ct)).Messages.Single().Seq);
    }

    /// <summary>Made before the database's first connection, as a host makes its hosted services before starting any.</summary>
    private async Task<SqliteCheckpointer> StartCheckpointerAsync()
    {
        var checkpointer = new SqliteCheckpointer(
            _files.Database,
            Microsoft.Extensions.Options.Options.Create(_files.Options()),
            new StorageMetrics(_metricsServices.GetRequiredService<IMeterFactory>()),
            _clock,
            NullLogger<SqliteCheckpointer>.Instance);
        await _files.Database.EnsureMigratedAsync(Ct);
        await checkpointer.StartAsync(Ct);
        return checkpointer;
    }

    private static async Task<long> AppendRoundAsync(SqliteMessageStore store, string chatId, long lastSeq)
    {
        for (var call = 0; call < CallsPerRound; call++)
        {
            var messages = Enumerable.Range(0, 100)
                .Select(i => new NewMessage(Guid.CreateVersion7(), "alice", $"c{lastSeq + i + 1}", Text(lastSeq + i), T0, []))
                .ToArray();
            var outcomes = await store.AppendAsync(new ChatAppend(chatId, lastSeq, messages), Ct);
            lastSeq = outcomes[^1].Message.Seq;
        }

        return lastSeq;
    }

    /// <summary>A text of about 1 KiB of distinct words, so the search index grows with it as it does for real texts.</summary>
    private static string Text(long n) =>
        string.Join(' ', Enumerable.Range(0, 120).Select(i => $"w{(n * 131 + i) % 5000}"));
}
