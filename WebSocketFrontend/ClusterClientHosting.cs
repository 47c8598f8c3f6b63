using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansChat.Gateway.Protocol;
using OrleansChat.Hosting;

namespace OrleansChat.Gateway;

/// <summary>How a standalone gateway hosts its cluster client: serving at once, and saying so while the cluster is away.</summary>
public static class ClusterClientHosting
{
    private static readonly ProtocolError NotConnected =
        new("unavailable", StatusCodes.Status503ServiceUnavailable, "The gateway is not connected to the cluster yet; nothing was done. Retry.");

    /// <summary>
    /// The cluster client of <see cref="ChatClusteringClientExtensions.UseChatClustering"/>, connected in the
    /// background. Orleans' own hosted service for it returns from its start only once the cluster answers, and the
    /// host starts the web server after every other service: with it, nothing listened (not even <c>/health</c>)
    /// while the client waited. It is replaced by <see cref="ClusterClientConnector"/>, in the same place among the
    /// hosted services, so Kestrel serves at once and a stop while the client waits is an ordinary stop.
    /// </summary>
    public static WebApplicationBuilder AddChatClusterClient(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var before = services.Where(IsHostedService).ToHashSet();
        builder.UseOrleansClient(client => client.UseChatClustering().AddChatStreams());
        var added = services.Where(d => IsHostedService(d) && !before.Contains(d)).ToList();
        if (added.Count != 1)
        {
            throw new InvalidOperationException($"Expected the Orleans client to add one hosted service, found {added.Count}.");
        }

        services[services.IndexOf(added[0])] = ServiceDescriptor.Singleton<IHostedService, ClusterClientConnector>();
        return builder;
    }

    /// <summary>
    /// Requests that need the cluster (<c>/ws</c>, <c>/api/v1</c> but the development tokens) answer 503
    /// <c>unavailable</c> while the client is not connected, instead of waiting on a client that cannot call yet.
    /// </summary>
    public static WebApplication UseClusterConnectionGate(this WebApplication app)
    {
        var connection = app.Services.GetRequiredService<ClusterClientConnection>();
        app.Use(async (context, next) =>
        {
            if (!connection.IsConnected && NeedsCluster(context.Request.Path))
            {
                await Problems.WriteAsync(context, NotConnected);
                return;
            }

            await next(context);
        });
        return app;
    }

    private static bool IsHostedService(ServiceDescriptor descriptor) => descriptor.ServiceType == typeof(IHostedService);

    private static bool NeedsCluster(PathString path) =>
        path.StartsWithSegments(GatewayEndpoints.WebSocketPath)
        || (path.StartsWithSegments(GatewayEndpoints.ApiPath) && !path.StartsWithSegments(GatewayEndpoints.ApiPath + "/auth"));
}
