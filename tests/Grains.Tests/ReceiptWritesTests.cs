using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace OrleansChat.Grains.Tests;

/// <summary>
/// How a room stores receipts: rises reported during a write share the next one, and each is published, in order,
/// once the write that holds it succeeded. Without a cluster, on a store whose writes the test completes by hand.
/// </summary>
public sealed class ReceiptWritesTests : IDisposable
{
    private static readonly DateTimeOffset Joined = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    private readonly Dictionary<string, StoredReceipt> _stored = new(StringComparer.Ordinal);
    private readonly List<TaskCompletionSource> _writes = [];
    private readonly List<Dictionary<string, StoredReceipt>> _written = [];
    private readonly List<(string UserId, StoredReceipt Receipt)> _published = [];
    private readonly FakeTimeProvider _time = new(Joined);
    private readonly SemaphoreSlim _writeStarted = new(0);

    [Fact]
    public async Task Rises_reported_during_a_write_share_the_next_write_and_each_is_published_in_order_only_after_it()
    {
        var receipts = NewWrites();

        receipts.Raise("bob", Receipt(read: 0, delivered: 5));
        receipts.Raise("carol", Receipt(read: 0, delivered: 5));
        receipts.Raise("dave", Receipt(read: 0, delivered: 4));
        receipts.Raise("dave", Receipt(read: 5, delivered: 5));

        Assert.Single(_writes);
        Assert.Empty(_published);

        _writes[0].SetResult();
        Assert.Equal([("bob", Receipt(read: 0, delivered: 5))], _published);
        Assert.Equal(2, _writes.Count);

        _writes[1].SetResult();
        await receipts.FlushAsync();

        Assert.Equal(
            [
                ("bob", Receipt(read: 0, delivered: 5)),
                ("carol", Receipt(read: 0, delivered: 5)),
                ("dave", Receipt(read: 0, delivered: 4)),
                ("dave", Receipt(read: 5, delivered: 5)),
            ],
            _published);
        Assert.Equal(2, _writes.Count);
        Assert.Equal(Receipt(read: 5, delivered: 5), _written[1]["dave"]);
        Assert.Equal(["bob", "carol", "dave"], _stored.Keys.Order());
    }

    [Fact]
    public async Task A_failed_write_publishes_nothing_and_is_tried_again_after_the_delay_with_what_rose_meanwhile()
    {
        var receipts = NewWrites();
        receipts.Raise("bob", Receipt(read: 0, delivered: 3));
        receipts.Raise("carol", Receipt(read: 0, delivered: 3));

        _writes[0].SetException(new InvalidOperationException("the store is down"));
        receipts.Raise("carol", Receipt(read: 3, delivered: 3));
        Assert.Empty(_published);
        Assert.Single(_writes);

        _time.Advance(TimeSpan.FromSeconds(1));
        await WaitForWrite(2);
        Assert.Equal(Receipt(read: 3, delivered: 3), _written[1]["carol"]);
        Assert.Equal(Receipt(read: 0, delivered: 3), _written[1]["bob"]);
        Assert.Empty(_published);

        _writes[1].SetResult();
        await receipts.FlushAsync();
        Assert.Equal(
            [
                ("bob", Receipt(read: 0, delivered: 3)),
                ("carol", Receipt(read: 0, delivered: 3)),
                ("carol", Receipt(read: 3, delivered: 3)),
            ],
            _published);
    }

    public void Dispose() => _writeStarted.Dispose();

    private ReceiptWrites NewWrites() => new(
        _stored,
        () =>
        {
            _written.Add(new Dictionary<string, StoredReceipt>(_stored));
            var write = new TaskCompletionSource();
            _writes.Add(write);
            _writeStarted.Release();
            return write.Task;
        },
        _published.AddRange,
        TimeSpan.FromSeconds(1),
        _time,
        NullLogger.Instance);

    /// <summary>Waits until the writes started number <paramref name="count"/> (the retry may resume on another thread).</summary>
    private async Task WaitForWrite(int count)
    {
        while (_writes.Count < count)
        {
            Assert.True(await _writeStarted.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken), "no write started");
        }
    }

    private static StoredReceipt Receipt(long read, long delivered) => new(Joined, read, delivered);
}
