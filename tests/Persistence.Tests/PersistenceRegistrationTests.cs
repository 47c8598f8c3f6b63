using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Hosting;
using Orleans.Providers;
using Orleans.Storage;
using OrleansChat.Persistence.Sqlite;
using OrleansChat.TestInfrastructure;

namespace OrleansChat.Persistence.Tests;

public sealed class PersistenceRegistrationTests : IDisposable
{
    private readonly ScratchDirectory _directory = new("orleanschat-persistence-tests");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task The_message_store_and_the_push_outbox_are_one_instance()
    {
        await using var services = Services(("Storage:DataDirectory", _directory.Path)).AddSqliteChatStorage().BuildServiceProvider();

        var store = services.GetRequiredService<IMessageStore>();

        Assert.IsType<SqliteMessageStore>(store);
        Assert.Same(store, services.GetRequiredService<IPushOutbox>());
    }

    [Fact]
    public async Task Storage_options_are_read_from_the_Storage_section()
    {
        await using var services = Services(
                ("Storage:DataDirectory", _directory.Path),
                ("Storage:MaxMessagesPerTransaction", "7"),
                ("Storage:BusyTimeout", "00:00:05"))
            .AddSqliteChatStorage()
            .BuildServiceProvider();

        var options = services.GetRequiredService<IOptions<StorageOptions>>().Value;

        Assert.Equal((_directory.Path, 7, TimeSpan.FromSeconds(5)), (options.DataDirectory, options.MaxMessagesPerTransaction, options.BusyTimeout));
    }

    [Fact]
    public async Task An_empty_data_directory_is_rejected()
    {
        await using var services = Services(("Storage:DataDirectory", " ")).AddSqliteChatStorage().BuildServiceProvider();

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<StorageOptions>>().Value);

        Assert.Contains("Storage:DataDirectory must not be empty.", failure.Failures);
    }

    [Fact]
    public async Task Starting_the_host_migrates_the_database()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Storage:DataDirectory"] = _directory.Path;
        builder.Services.AddSqliteChatStorage();
        using var host = builder.Build();

        await host.StartAsync(TestContext.Current.CancellationToken);
        await host.StopAsync(TestContext.Current.CancellationToken);

        Assert.True(File.Exists(Path.Combine(_directory.Path, SqliteDatabase.FileName)));
    }

    [Fact]
    public void Sqlite_grain_storage_is_registered_under_its_name_and_as_the_default()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Storage:DataDirectory"] = _directory.Path;
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering()
            .AddSqliteGrainStorage("chat")
            .AddSqliteGrainStorageAsDefault());
        using var host = builder.Build();

        Assert.IsType<SqliteGrainStorage>(host.Services.GetRequiredKeyedService<IGrainStorage>("chat"));
        Assert.IsType<SqliteGrainStorage>(host.Services.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME));
        Assert.Single(host.Services.GetServices<SqliteDatabase>());
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
