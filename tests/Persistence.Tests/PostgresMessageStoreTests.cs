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
}
