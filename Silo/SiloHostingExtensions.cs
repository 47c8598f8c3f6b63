using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;
using Orleans.Dashboard;
using OrleansChat.Gateway;
using OrleansChat.Grains;
using OrleansChat.Persistence;

namespace OrleansChat.Silo;

public static class SiloHostingExtensions
{
    /// <summary>The name grains use in <c>[PersistentState(..., "chat")]</c>.</summary>
    public const string GrainStorageName = "chat";

    /// <summary>
    /// An Orleans silo with the chat grains, chosen by configuration: localhost clustering and SQLite in
    /// <c>Storage:DataDirectory</c> for the embedded default; with <c>ConnectionStrings:Postgres</c>, a cluster
    /// member with PostgreSQL for membership, grain state, reminders, messages and the push outbox.
    /// </summary>
    public static WebApplicationBuilder AddChatSilo(this WebApplicationBuilder builder)
    {
        var silo = (builder.Configuration.GetSection(OrleansOptions.SectionName).Get<OrleansOptions>() ?? new OrleansOptions()).Validated();
        var postgres = builder.Configuration.GetConnectionString("Postgres");

        builder.Services.AddOptions<ChatOptions>().BindConfiguration(ChatOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ChatMetrics>();
        builder.Services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage", tags: [Operations.ReadyTag]);

        // Registered before Orleans: the store's migrations run at start, before the silo needs its tables.
        if (string.IsNullOrEmpty(postgres))
        {
            builder.Services.AddSqliteChatStorage();
        }
        else
        {
            builder.Services.AddPostgresChatStorage();
            builder.Logging.AddJsonConsole();
        }

        builder.UseOrleans(orleans =>
        {
            if (string.IsNullOrEmpty(postgres))
            {
                orleans.UseLocalhostClustering(silo.SiloPort, silo.GatewayPort, serviceId: silo.ServiceId, clusterId: silo.ClusterId);
                orleans.AddSqliteGrainStorage(GrainStorageName);
            }
            else
            {
                orleans.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = silo.ClusterId;
                    o.ServiceId = silo.ServiceId;
                });
                orleans.ConfigureEndpoints(AdvertisedAddress(silo), silo.SiloPort, silo.GatewayPort, listenOnAnyHostAddress: true);
                orleans.UsePostgresClustering(postgres);
                orleans.AddPostgresGrainStorage(GrainStorageName, postgres);
                orleans.UsePostgresReminders(postgres);
                if (RunsOnKubernetes())
                {
                    // Supplements the ADO.NET membership: silo identity and endpoints from the pod, defunct pods cleaned up.
                    orleans.UseKubernetesHosting();
                }
            }

            // Else Orleans' watchdog warns at start of a stall as long as the machine's uptime (see the class).
            orleans.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, WatchdogStartTimestamp>();
            orleans.UseSystemTextJsonGrainStorageSerializer();
            orleans.AddDashboard(_ => { });
        });
        return builder;
    }

    /// <summary>The address other silos reach this one at: configured, else this host's first IPv4 address.</summary>
    private static IPAddress AdvertisedAddress(OrleansOptions silo)
    {
        if (!string.IsNullOrEmpty(silo.AdvertisedIPAddress))
        {
            return IPAddress.Parse(silo.AdvertisedIPAddress);
        }

        return Dns.GetHostAddresses(Dns.GetHostName()).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            ?? IPAddress.Loopback;
    }

    private static bool RunsOnKubernetes() =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST"))
        && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("POD_NAME"));
}

/// <summary>Ready when the message store answers.</summary>
internal sealed class StorageHealthCheck(IMessageStore messages) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await messages.CheckHealthAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The message store does not answer.", ex);
        }
    }
}
