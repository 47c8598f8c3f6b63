using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Dashboard;
using OrleansChat.Gateway;
using OrleansChat.Grains;
using OrleansChat.Hosting;
using OrleansChat.Persistence;

namespace OrleansChat.Silo;

public static class SiloHostingExtensions
{
    /// <summary>
    /// An Orleans silo with the chat grains, chosen by <see cref="StorageMode"/>: localhost clustering and SQLite in
    /// <c>Storage:DataDirectory</c> for the embedded default; with <c>ConnectionStrings:Postgres</c>, a cluster
    /// member with PostgreSQL for membership, grain state, reminders, messages and the push outbox.
    /// </summary>
    public static WebApplicationBuilder AddChatSilo(this WebApplicationBuilder builder)
    {
        var mode = builder.Configuration.GetStorageMode();
        builder.Services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage", tags: [Operations.ReadyTag]);

        // Registered before Orleans: the store's migrations run at start, before the silo needs its tables.
        builder.Services.AddChatMessageStore(mode);
        builder.Services.AddChatAttachmentStore(mode).AddAttachmentOrphanCleanup();
        if (mode == StorageMode.Cluster)
        {
            builder.Logging.AddJsonConsole();
        }

        builder.UseOrleans(orleans =>
        {
            orleans.UseChatClustering(mode);
            orleans.AddChatGrains();
            orleans.AddChatStorage();

            // Else Orleans' watchdog warns at start of a stall as long as the machine's uptime (see the class).
            orleans.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, WatchdogStartTimestamp>();
            orleans.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, ClusterSizeMetric>();
            orleans.AddDashboard(_ => { });
            if (builder.Configuration.IsTracing())
            {
                orleans.AddActivityPropagation(); // a grain call's trace goes on in the grain, and in the calls it makes
            }
        });
        return builder;
    }
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
