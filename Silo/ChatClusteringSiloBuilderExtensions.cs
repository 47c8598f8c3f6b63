using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansChat.Hosting;
using OrleansChat.Persistence;

namespace OrleansChat.Silo;

/// <summary>How a chat silo finds the others, and where it listens.</summary>
public static class ChatClusteringSiloBuilderExtensions
{
    /// <summary>
    /// <see cref="StorageMode.Embedded"/>: one silo on loopback. <see cref="StorageMode.Cluster"/>: membership in
    /// PostgreSQL, listening on every address and advertising <c>Orleans:AdvertisedIPAddress</c> or this host's first
    /// IPv4 address; on Kubernetes the pod supplies identity and endpoints as well. Ports and identity from
    /// <see cref="OrleansOptions"/>, checked at start.
    /// </summary>
    public static ISiloBuilder UseChatClustering(this ISiloBuilder silo, StorageMode mode)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.Services.AddOrleansOptions();

        if (mode == StorageMode.Embedded)
        {
            // Loopback and development membership; the ports below replace its defaults.
            silo.UseLocalhostClustering();
            silo.Services.AddOptions<EndpointOptions>().Configure<IOptions<OrleansOptions>>((endpoints, orleans) =>
            {
                endpoints.SiloPort = orleans.Value.SiloPort;
                endpoints.GatewayPort = orleans.Value.GatewayPort;
            });
            return silo;
        }

        silo.Services.AddOptions<EndpointOptions>().Configure<IOptions<OrleansOptions>>((endpoints, orleans) =>
        {
            endpoints.AdvertisedIPAddress = AdvertisedAddress(orleans.Value);
            endpoints.SiloPort = orleans.Value.SiloPort;
            endpoints.GatewayPort = orleans.Value.GatewayPort;
            endpoints.SiloListeningEndpoint = new IPEndPoint(IPAddress.Any, orleans.Value.SiloPort);
            endpoints.GatewayListeningEndpoint = new IPEndPoint(IPAddress.Any, orleans.Value.GatewayPort);
        });
        silo.UsePostgresClustering(silo.Configuration.GetPostgresConnectionString()!);
        if (RunsOnKubernetes())
        {
            // Supplements the ADO.NET membership: silo identity and endpoints from the pod, defunct pods cleaned up.
            silo.UseKubernetesHosting();
        }

        return silo;
    }

    /// <summary>The address other silos reach this one at: configured, else this host's first IPv4 address.</summary>
    private static IPAddress AdvertisedAddress(OrleansOptions orleans)
    {
        if (!string.IsNullOrEmpty(orleans.AdvertisedIPAddress))
        {
            return IPAddress.Parse(orleans.AdvertisedIPAddress);
        }

        return Dns.GetHostAddresses(Dns.GetHostName()).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            ?? IPAddress.Loopback;
    }

    private static bool RunsOnKubernetes() =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST"))
        && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("POD_NAME"));
}
