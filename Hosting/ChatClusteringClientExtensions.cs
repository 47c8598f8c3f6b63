using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using OrleansChat.Persistence;

namespace OrleansChat.Hosting;

/// <summary>How a process that is not a silo (a standalone gateway, a push worker) joins the chat's cluster.</summary>
public static class ChatClusteringClientExtensions
{
    /// <summary>
    /// Joins through the silos that PostgreSQL's membership table lists in <see cref="StorageMode.Cluster"/>, else
    /// through a silo on this machine at <c>Orleans:GatewayPort</c>; as <c>Orleans:ClusterId</c> and
    /// <c>Orleans:ServiceId</c>. Until the cluster answers, the client keeps trying instead of failing its host;
    /// <see cref="ClusterClientConnection"/> tells whether it is connected.
    /// </summary>
    public static IClientBuilder UseChatClustering(this IClientBuilder client)
    {
        ArgumentNullException.ThrowIfNull(client);
        client.Services.AddOrleansOptions();

        // In place of the client's default filter, which gives up after a few refused connections and at once on
        // any other error (a membership table that is not there yet).
        client.Services.RemoveAll<IClientConnectionRetryFilter>();
        client.Services.AddSingleton<IClientConnectionRetryFilter, RetryUntilTheClusterAnswers>();
        client.Services.TryAddSingleton(TimeProvider.System);
        client.Services.TryAddSingleton<ClusterClientConnection>();
        client.Services.AddSingleton<ILifecycleParticipant<IClusterClientLifecycle>>(sp => sp.GetRequiredService<ClusterClientConnection>());
        client.Services.AddSingleton<IClusterConnectionStatusObserver>(sp => sp.GetRequiredService<ClusterClientConnection>());

        if (client.Configuration.IsTracing())
        {
            // Grain calls carry the caller's trace context, so a request's trace goes on into the grains.
            client.AddActivityPropagation();
        }

        if (client.Configuration.GetStorageMode() == StorageMode.Cluster)
        {
            client.UsePostgresClustering(client.Configuration.GetPostgresConnectionString()!);
        }
        else
        {
            client.UseStaticClustering(gateways => gateways.Configure<IOptions<OrleansOptions>>((list, orleans) =>
                list.Gateways = [new IPEndPoint(IPAddress.Loopback, orleans.Value.GatewayPort).ToGatewayUri()]));
        }

        return client;
    }
}
