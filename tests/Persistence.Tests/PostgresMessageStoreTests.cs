namespace OrleansChat.Persistence.Tests;

/// <summary>The conformance suite against the PostgreSQL store; one database per class on the shared test server.</summary>
public sealed class PostgresMessageStoreTests(PostgresTestDatabase database)
    : MessageStoreConformanceTests, IClassFixture<PostgresTestDatabase>
{
    protected override ValueTask<StoreUnderTest> CreateStoreAsync()
    {
        var opened = database.OpenStore();
        return ValueTask.FromResult(new StoreUnderTest(opened.Store, opened.Store, opened.DisposeAsync));
    }

    /// <summary>A store whose connection string names a loopback port nothing listens on.</summary>
    protected override ValueTask<StoreUnderTest> CreateUnreachableStoreAsync()
    {
        database.Require();
        var opened = new PostgresTestDatabase.StoreOverDatabase(PostgresTestDatabase.Open(PostgresTestDatabase.UnreachableConnectionString()), 2000);
        return ValueTask.FromResult(new StoreUnderTest(opened.Store, opened.Store, opened.DisposeAsync));
    }
}
