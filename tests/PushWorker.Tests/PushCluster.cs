using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using OrleansChat.Persistence;
using OrleansChat.TestInfrastructure;

namespace OrleansChat.PushWorker.Tests;

/// <summary>
/// A real silo with the chat grains over a real SQLite store (whose push outbox the workers drain), a cluster
/// client, the provider stand-ins, and the credentials they expect: a service-account file with a fresh RSA key
/// whose token_uri is the stand-in, and an APNs .p8 key. Tests keep apart by fresh user ids and chats, and leave
/// no row of theirs claimable behind them.
/// </summary>
public sealed class PushCluster : IAsyncLifetime
{
    private readonly ScratchDirectory _files = new("orleanschat-push-tests");
    private ChatTestCluster? _cluster;
    private RSA? _serviceAccountKey;

    public IClusterClient Client => _cluster!.Cluster.Client;

    public IPushOutbox Outbox => _cluster!.Cluster.GetSiloServiceProvider(null).GetRequiredService<IPushOutbox>();

    public ProviderStandIn Providers { get; private set; } = null!;

    public string ServiceAccountFile { get; private set; } = "";

    public RSA ServiceAccountKey => _serviceAccountKey!;

    public string ApnsKeyFile { get; private set; } = "";

    /// <summary>The APNs signing key (its public half verifies the provider tokens).</summary>
    public ECDsa ApnsKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public async ValueTask InitializeAsync()
    {
        Providers = await ProviderStandIn.StartAsync();
        ServiceAccountFile = Providers.WriteServiceAccountFile(_files.Path, out var key);
        _serviceAccountKey = key;
        ApnsKeyFile = Path.Combine(_files.Path, "AuthKey_TESTKEY123.p8");
        await File.WriteAllTextAsync(ApnsKeyFile, ApnsKey.ExportPkcs8PrivateKeyPem());

        _cluster = await ChatTestCluster.StartAsync(silos: 1);
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        await Providers.DisposeAsync();
        _serviceAccountKey?.Dispose();
        ApnsKey.Dispose();
        _files.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class SharedPushCluster : ICollectionFixture<PushCluster>
{
    public const string Name = "push cluster";
}
