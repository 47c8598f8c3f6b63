using OrleansChat.TestInfrastructure;

namespace OrleansChat.ClusterTests;

/// <summary>
/// The cluster the cluster tests run against: two silos (each also serving as a gateway) and a standalone gateway, as
/// real processes on loopback, on a fresh PostgreSQL database of their own.
/// </summary>
internal sealed class ClusterOfThree : IAsyncDisposable
{
    private static readonly TimeSpan Ready = TimeSpan.FromSeconds(90);
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private ClusterOfThree(IReadOnlyList<string> settings) => Settings = settings;

    /// <summary>The configuration every process got ("Key=value"): storage, clustering, a shared signing key, dev tokens.</summary>
    public IReadOnlyList<string> Settings { get; }

    public ChatProcess First { get; private set; } = null!;

    public ChatProcess Second { get; private set; } = null!;

    public ChatProcess Gateway { get; private set; } = null!;

    /// <summary>Starts the three on database and cluster <paramref name="name"/>, with <paramref name="settings"/> added to each.</summary>
    public static async Task<ClusterOfThree> StartAsync(string name, params string[] settings)
    {
        var postgres = await PostgresServer.RequireAsync();
        var connection = await postgres.CreateDatabaseAsync(name.Replace('-', '_'));
        var cluster = new ClusterOfThree(
        [
            $"ConnectionStrings:Postgres={connection}",
            "Auth:SigningKey=cluster-tests-signing-key-0123456789abcdef",
            "Auth:DevTokens=true",
            $"Orleans:ClusterId={name}",
            "Orleans:AdvertisedIPAddress=127.0.0.1",
            "Logging:LogLevel:Default=Warning",
            .. settings,
        ]);
        try
        {
            cluster.First = await cluster.StartSiloAsync("silo-1");
            cluster.Second = await cluster.StartSiloAsync("silo-2");
            cluster.Gateway = await ChatProcess.StartReadyAsync(
                "gateway", "WebSocketFrontend", "OrleansChat.WebSocketFrontend", () => cluster.Settings, cluster._http, Ready);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in new[] { Gateway, Second, First })
        {
            if (process is not null)
            {
                await process.DisposeAsync();
            }
        }

        _http.Dispose();
    }

    private Task<ChatProcess> StartSiloAsync(string name) =>
        ChatProcess.StartReadyAsync(
            name, "Silo", "OrleansChat.Silo", () => [.. Settings, $"Orleans:SiloPort={LoopbackPorts.Free()}", $"Orleans:GatewayPort={LoopbackPorts.Free()}"], _http, Ready);
}
