using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using OrleansChat.Persistence.Postgres;
using OrleansChat.TestInfrastructure;

namespace OrleansChat.Persistence.Tests;

/// <summary>
/// A database of its own on the shared test PostgreSQL server, for one test class; stores and databases opened over
/// it. Where there is no PostgreSQL, <see cref="Require"/> skips the test with the reason.
/// </summary>
public sealed class PostgresTestDatabase : IAsyncLifetime
{
    private PostgresServer? _server;
    private string? _connectionString;

    public string ConnectionString => Require();

    public PostgresServer Server => _server ?? throw new InvalidOperationException("The fixture is not initialized.");

    public async ValueTask InitializeAsync()
    {
        _server = await PostgresServer.GetAsync();
        if (_server.UnavailableReason is null)
        {
            _connectionString = await _server.CreateDatabaseAsync("persistence");
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>The database's connection string; skips the calling test when there is no PostgreSQL.</summary>
    public string Require()
    {
        Server.SkipIfUnavailable();
        return _connectionString!;
    }

    public static PostgresDatabase Open(string connectionString, TimeProvider? timeProvider = null) =>
        new(Options.Create(new PostgresStorageOptions { ConnectionString = connectionString }), timeProvider ?? TimeProvider.System);

    public PostgresDatabase Open() => Open(Require());

    /// <summary>A connection string for a loopback port that was free a moment ago, so nothing listens on it.</summary>
    public static string UnreachableConnectionString()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        return new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = port, Username = "postgres", Timeout = 2 }.ConnectionString;
    }

    /// <summary>A store over its own <see cref="PostgresDatabase"/>, which it disposes with itself.</summary>
    /// <remarks><paramref name="beforeTransactionAsync"/> runs before each merged transaction.</remarks>
    public StoreOverDatabase OpenStore(int maxMessagesPerTransaction = 2000, Func<int, Task>? beforeTransactionAsync = null) =>
        new(Open(), maxMessagesPerTransaction, beforeTransactionAsync);

    public sealed class StoreOverDatabase(PostgresDatabase database, int maxMessagesPerTransaction, Func<int, Task>? beforeTransactionAsync = null)
        : IAsyncDisposable
    {
        public PostgresDatabase Database { get; } = database;

        public PostgresMessageStore Store { get; } = new(
            database,
            Options.Create(new PostgresStorageOptions { ConnectionString = "unused", MaxMessagesPerTransaction = maxMessagesPerTransaction }),
            TestStorageMetrics.Create(),
            NullLogger<PostgresMessageStore>.Instance,
            beforeTransactionAsync is null
                ? new PostgresAppendDialect(database)
                : new HookedDialect(new PostgresAppendDialect(database), beforeTransactionAsync));

        public async ValueTask DisposeAsync()
        {
            await Store.DisposeAsync();
            await Database.DisposeAsync();
        }
    }
}
