using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.TestingHost;
using OrleansChat.Grains;
using OrleansChat.Persistence;

namespace OrleansChat.TestInfrastructure;

/// <summary>Test-cluster silos wired like the real chat silo.</summary>
public static class ChatSiloConfiguration
{
    /// <summary>
    /// Configures every silo of <paramref name="builder"/> like the real one: SQLite grain storage "chat" with the
    /// System.Text.Json serializer, the SQLite message store, ChatOptions, ChatMetrics and TimeProvider, over
    /// <paramref name="dataDirectory"/> (<c>Storage:DataDirectory</c>) and the extra configuration keys in
    /// <paramref name="settings"/>.
    /// </summary>
    public static InProcessTestClusterBuilder ConfigureLikeChatSilo(
        this InProcessTestClusterBuilder builder, string dataDirectory, IReadOnlyDictionary<string, string?>? settings = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            [$"{StorageOptions.SectionName}:{nameof(StorageOptions.DataDirectory)}"] = dataDirectory,
        };
        builder.ConfigureSiloHost((_, host) => host.Configuration.AddInMemoryCollection(configuration));
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddSqliteGrainStorage("chat");
            silo.UseSystemTextJsonGrainStorageSerializer();
            silo.Services.AddOptions<ChatOptions>().BindConfiguration(ChatOptions.SectionName);
            silo.Services.TryAddSingleton(TimeProvider.System);
            silo.Services.AddMetrics();
            silo.Services.AddSingleton<ChatMetrics>();
            silo.Services.AddSqliteChatStorage();
        });
        return builder;
    }
}
