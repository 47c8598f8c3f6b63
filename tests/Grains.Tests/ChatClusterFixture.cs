using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;
using OrleansChat.Persistence;
using OrleansChat.TestInfrastructure;

namespace OrleansChat.Grains.Tests;

/// <summary>
/// Two silos wired by the real silo's AddChatGrains and AddChatStorage (embedded: SQLite) over one temporary data
/// directory, and a client.
/// Tests share it and keep apart by using fresh chat and user ids.
/// </summary>
public class ChatClusterFixture : IAsyncLifetime
{
    private ChatTestCluster? _cluster;

    public InProcessTestCluster Cluster => _cluster?.Cluster ?? throw new InvalidOperationException("The cluster is not deployed.");

    public IClusterClient Client => Cluster.Client;

    /// <summary>The push outbox as the silos see it (both share one database file).</summary>
    public IPushOutbox PushOutbox => Cluster.GetSiloServiceProvider(null).GetRequiredService<IPushOutbox>();

    /// <summary>Configuration keys this cluster sets besides <c>Storage:DataDirectory</c>.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>();

    public async ValueTask InitializeAsync() =>
        _cluster = await ChatTestCluster.StartAsync(silos: 2, Settings, Configure);

    /// <summary>Changes to the cluster before the chat silo's wiring; services registered here win over its defaults.</summary>
    protected virtual void Configure(InProcessTestClusterBuilder builder)
    {
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// A cluster on a fake clock, which both silos' grains and grain timers (Orleans runs them on the TimeProvider it is
/// given) run on; tests move it on. Its typing indicators end by themselves after one second.
/// </summary>
public sealed class FakeClockClusterFixture : ChatClusterFixture
{
    public static readonly TimeSpan TypingTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Starts at the real time, so that what the grains stamp looks like any other run's.</summary>
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override void Configure(InProcessTestClusterBuilder builder) =>
        builder.ConfigureSilo((_, silo) => silo.Services.AddSingleton<TimeProvider>(Clock));

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        [$"{ChatOptions.SectionName}:{nameof(ChatOptions.TypingTimeoutSeconds)}"] = "1",
    };
}

[CollectionDefinition(Name)]
public sealed class SharedChatCluster : ICollectionFixture<ChatClusterFixture>
{
    public const string Name = "Chat cluster";
}

[CollectionDefinition(Name)]
public sealed class SharedFakeClockCluster : ICollectionFixture<FakeClockClusterFixture>
{
    public const string Name = "Chat cluster on a fake clock";
}
