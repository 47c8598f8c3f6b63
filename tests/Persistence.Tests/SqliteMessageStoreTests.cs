using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrleansChat.Persistence.Sqlite;

namespace OrleansChat.Persistence.Tests;

/// <summary>The conformance suite against the SQLite store; one chat.db per class, deleted afterwards.</summary>
public sealed class SqliteMessageStoreTests(SqliteTestDatabase database)
    : MessageStoreConformanceTests, IClassFixture<SqliteTestDatabase>
{
    protected override ValueTask<StoreUnderTest> CreateStoreAsync()
    {
        var store = database.OpenStore();
        return ValueTask.FromResult(new StoreUnderTest(store, store, store.DisposeAsync));
    }

    /// <summary>A file stands where the store's data folder should be, so its database can be neither created nor opened.</summary>
    protected override ValueTask<StoreUnderTest> CreateUnreachableStoreAsync()
    {
        var occupied = Path.Combine(database.DataDirectory, $"a-file-not-a-folder-{Guid.NewGuid():N}");
        File.WriteAllBytes(occupied, []);
        var options = Options.Create(new StorageOptions { DataDirectory = occupied });
        var sqlite = new SqliteDatabase(options, TimeProvider.System);
        var store = new SqliteMessageStore(sqlite, options, TestStorageMetrics.Create(), NullLogger<SqliteMessageStore>.Instance);
        return ValueTask.FromResult(new StoreUnderTest(store, store, async () =>
        {
            await store.DisposeAsync();
            sqlite.Dispose();
        }));
    }
}
