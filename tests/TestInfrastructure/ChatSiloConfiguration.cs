using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;
using OrleansChat.Grains;
using OrleansChat.Hosting;
using OrleansChat.Persistence;

namespace OrleansChat.TestInfrastructure;

/// <summary>Test-cluster silos wired by the real chat silo's own extensions.</summary>
public static class ChatSiloConfiguration
{
    /// <summary>
    /// Configures every silo of <paramref name="builder"/> with <c>AddChatGrains</c> and <c>AddChatStorage</c>, as
    /// the real silo is, in the embedded mode over <paramref name="dataDirectory"/> (<c>Storage:DataDirectory</c>),
    /// with the extra configuration keys in <paramref name="settings"/>. The test cluster provides the clustering.
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
        builder.ConfigureSilo((_, silo) => silo.AddChatGrains().AddChatStorage());
        return builder;
    }
}
