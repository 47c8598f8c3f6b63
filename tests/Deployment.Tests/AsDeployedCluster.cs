using System.Diagnostics;
using OrleansChat.TestInfrastructure;

namespace OrleansChat.DeploymentTests;

/// <summary>
/// A silo, a gateway and a push worker, each started from its published output with the environment its Dockerfile
/// stage and its manifest in k8s/base give it, on a throwaway PostgreSQL: started together, then waited for as Kubernetes
/// would (startup and readiness probes within the manifest's budgets; the push worker has none and must start).
/// </summary>
public sealed class AsDeployedCluster : IAsyncLifetime
{
    public const string SigningKey = "deployment-tests-signing-key-0123456789-abcdefghij";

    /// <summary>
    /// What a host logs once every hosted service has started; in the push worker that includes its Orleans client,
    /// whose start ends only when it has connected to a silo of the cluster.
    /// </summary>
    public const string HostStarted = "Application started.";

    private static readonly TimeSpan ProbePace = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan PushWorkerStartBudget = TimeSpan.FromMinutes(2);

    private readonly List<RunningApp> _started = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private string? _home;

    public string? UnavailableReason { get; private set; }

    public string ConnectionString { get; private set; } = "";

    internal Deployed Silo { get; private set; } = null!;

    internal Deployed Gateway { get; private set; } = null!;

    internal Deployed PushWorker { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var postgres = await PostgresServer.GetAsync();
        if (postgres.UnavailableReason is { } reason)
        {
            UnavailableReason = reason;
            return;
        }

        try
        {
            ConnectionString = await postgres.CreateDatabaseAsync("deployed");
            _home = ScratchDirectory.Create("orleanschat-deployment-home");
            var runner = new PublishedOutputRunner(await PublishedApps.GetAsync(), _home);
            var manifests = Manifests.LoadBase();
            var standIns = new StandIns
            {
                Secrets = new Dictionary<string, string>
                {
                    ["ConnectionStrings__Postgres"] = ConnectionString,
                    ["Auth__SigningKey"] = SigningKey,
                },
            };

            // Like a kubectl apply: every workload starts at once, and each copes with the others not being there yet.
            var silo = StartProbedAsync(runner, DeclaredContainer.Load(Shipped.Silo, manifests), standIns);
            var gateway = StartProbedAsync(runner, DeclaredContainer.Load(Shipped.Gateway, manifests), standIns);
            var pushWorker = StartPushWorkerAsync(runner, DeclaredContainer.Load(Shipped.PushWorker, manifests), standIns);
            Silo = await silo;
            Gateway = await gateway;
            PushWorker = await pushWorker;
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public void SkipIfUnavailable()
    {
        if (UnavailableReason is { } reason)
        {
            Assert.Skip(reason);
        }
    }

    public async ValueTask DisposeAsync()
    {
        RunningApp[] started;
        lock (_started)
        {
            started = [.. _started];
            _started.Clear();
        }

        await Task.WhenAll(started.Select(app => app.DisposeAsync().AsTask()));
        _http.Dispose();
        if (_home is not null)
        {
            ScratchDirectory.Delete(_home);
        }
    }

    /// <summary>
    /// Starts a workload with probes and waits for its startup probe, then its readiness, each within the startup
    /// probe's budget. A port taken by another process between asking and binding means a new launch with new ports.
    /// </summary>
    private async Task<Deployed> StartProbedAsync(IContainerRunner runner, DeclaredContainer container, StandIns standIns)
    {
        var startup = container.ProbeOf("startupProbe") ?? throw new InvalidOperationException($"{container.App.Workload} has no startup probe");
        for (var attempt = 1; ; attempt++)
        {
            var launch = LocalLaunch.Resolve(container, standIns, mapPortsInEnvironment: !runner.PublishesPorts);
            var app = Track(runner.Start(launch));
            var clock = Stopwatch.StartNew();
            if (await app.WaitForOkAsync(_http, launch.ProbeUri(startup), ProbePace, startup.Budget)
                && await app.WaitForOkAsync(_http, launch.ProbeUri(container.ProbeOf("readinessProbe")!), ProbePace, startup.Budget))
            {
                return new Deployed(launch, app, clock.Elapsed);
            }

            Assert.True(
                attempt < 3 && app.Output.Contains("address already in use", StringComparison.OrdinalIgnoreCase),
                $"{app.Name} exited before it was ready:\n{app.Output}");
            await app.DisposeAsync();
        }
    }

    private async Task<Deployed> StartPushWorkerAsync(IContainerRunner runner, DeclaredContainer container, StandIns standIns)
    {
        var launch = LocalLaunch.Resolve(container, standIns, mapPortsInEnvironment: !runner.PublishesPorts);
        var app = Track(runner.Start(launch));
        var clock = Stopwatch.StartNew();
        await app.WaitForLineAsync(line => line.Contains(HostStarted, StringComparison.Ordinal), PushWorkerStartBudget);
        return new Deployed(launch, app, clock.Elapsed);
    }

    private RunningApp Track(RunningApp app)
    {
        lock (_started)
        {
            _started.Add(app);
        }

        return app;
    }
}

/// <summary>A workload started as deployed: how it was launched, the process, and how long it took to be ready.</summary>
internal sealed record Deployed(LocalLaunch Launch, RunningApp App, TimeSpan ReadyAfter);
