using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using OrleansChat.Persistence.Postgres;

namespace OrleansChat.Persistence.Tests;

public sealed class PostgresRegistrationTests(PostgresTestDatabase database) : IClassFixture<PostgresTestDatabase>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_message_store_and_the_push_outbox_are_one_PostgreSQL_store()
    {
        await using var services = Services(("ConnectionStrings:Postgres", "Host=127.0.0.1;Username=postgres")).AddPostgresChatStorage().BuildServiceProvider();

        var store = services.GetRequiredService<IMessageStore>();

        Assert.IsType<PostgresMessageStore>(store);
        Assert.Same(store, services.GetRequiredService<IPushOutbox>());
    }

    [Fact]
    public async Task Options_come_from_the_Postgres_connection_string_and_the_Storage_section()
    {
        await using var services = Services(
                ("ConnectionStrings:Postgres", "Host=db;Username=chat"),
                ("Storage:MaxMessagesPerTransaction", "7"))
            .AddPostgresChatStorage()
            .BuildServiceProvider();

        var options = services.GetRequiredService<IOptions<PostgresStorageOptions>>().Value;

        Assert.Equal(("Host=db;Username=chat", 7), (options.ConnectionString, options.MaxMessagesPerTransaction));
    }

    [Fact]
    public async Task A_missing_connection_string_is_rejected()
    {
        await using var services = Services().AddPostgresChatStorage().BuildServiceProvider();

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<PostgresStorageOptions>>().Value);

        Assert.Contains("ConnectionStrings:Postgres must be set.", failure.Failures);
    }

    [Fact]
    public async Task Starting_the_host_migrates_the_database()
    {
        database.Require();
        var connectionString = await database.Server.CreateDatabaseAsync("registration");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration["ConnectionStrings:Postgres"] = connectionString;
        builder.Services.AddPostgresChatStorage();
        using var host = builder.Build();

        await host.StartAsync(Ct);
        await host.StopAsync(Ct);

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT max(version) FROM schema_migrations;", connection);
        Assert.Equal(PostgresDatabase.LatestSchemaVersion, (int)(await command.ExecuteScalarAsync(Ct))!);
    }

    private static ServiceCollection Services(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        return services;
    }
}
