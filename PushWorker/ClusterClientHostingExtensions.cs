using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansChat.Hosting;

namespace OrleansChat.PushWorker;

public static class ClusterClientHostingExtensions
{
    /// <summary>
    /// What a standalone worker needs from the cluster, which only <see cref="StorageMode.Cluster"/> has: an Orleans
    /// client that finds the gateways through PostgreSQL's membership (<c>ConnectionStrings:Postgres</c>,
    /// <c>Orleans:ClusterId</c>, <c>Orleans:ServiceId</c>), and the push outbox in the same database.
    /// </summary>
    public static IHostApplicationBuilder AddPushWorkerClusterClient(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Configuration.GetStorageMode() != StorageMode.Cluster)
        {
            throw new InvalidOperationException(
                "A standalone push worker needs ConnectionStrings:Postgres (the cluster's membership and push outbox); " +
                "in the single-process default the Silo runs the worker itself.");
        }

        builder.Services.AddChatMessageStore(StorageMode.Cluster);
        builder.UseOrleansClient(client => client.UseChatClustering());
        return builder;
    }
}
