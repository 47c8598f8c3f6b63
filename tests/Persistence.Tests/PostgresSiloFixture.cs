using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Hosting;
using OrleansChat.Persistence.Postgres;
using OrleansChat.TestInfrastructure;

namespace OrleansChat.Persistence.Tests;

/// <summary>
/// One real silo on loopback whose membership, grain storage ("store") and reminders are Orleans' ADO.NET providers
/// over a freshly migrated database of the project's schema. Tests reach the providers through the silo's services.
/// </summary>
public sealed class PostgresSiloFixture : IAsyncLifetime
{
    public const string StorageName = "store";

    private PostgresServer? _server;
    private IHost? _silo;

    public string ServiceId { get; } = "providers-" + Guid.NewGuid().ToString("N");

    public string ConnectionString { get; private set; } = "";

    public IServiceProvider Services
    {
        get
        {
            _server?.SkipIfUnavailable();
            return _silo?.Services ?? throw new InvalidOperationException("The silo is not started.");
        }
    }

    public async ValueTask InitializeAsync()
    {
        _server = await PostgresServer.GetAsync();
        if (_server.UnavailableReason is not null)
        {
            return;
        }

        ConnectionString = await _server.CreateDatabaseAsync("providers");
        await PostgresDatabase.MigrateAsync(ConnectionString, TestContext.Current.CancellationToken);

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleans(silo => silo
            .Configure<ClusterOptions>(options =>
            {
                options.ClusterId = "cluster-" + ServiceId;
                options.ServiceId = ServiceId;
            })
            .ConfigureEndpoints(IPAddress.Loopback, FreePort(), FreePort())
            .UsePostgresClustering(ConnectionString)
            .AddPostgresGrainStorage(StorageName, ConnectionString)
            .UsePostgresReminders(ConnectionString)
            .UseSystemTextJsonGrainStorageSerializer());
        _silo = builder.Build();
        await _silo.StartAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.StopAsync(CancellationToken.None);
            _silo.Dispose();
        }
    }

    public T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
