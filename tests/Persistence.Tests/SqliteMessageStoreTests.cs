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
}
