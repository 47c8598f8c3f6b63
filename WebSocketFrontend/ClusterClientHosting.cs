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
    /// The cluster client of <see cref="ChatClusteringClientExtensions.UseChatClustering"/>. Its hosted service does
    /// not return from its start until the cluster answers, and the host starts its services one after the other, the
    /// web server last: so the hosted services start together here, and Kestrel listens (and answers <c>/health</c>)
    /// while the client is still trying.
    /// </summary>
    public static WebApplicationBuilder AddChatClusterClient(this WebApplicationBuilder builder)
    {
        builder.UseOrleansClient(client => client.UseChatClustering());
        builder.Services.Configure<HostOptions>(host => host.ServicesStartConcurrently = true);
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

    private static bool NeedsCluster(PathString path) =>
        path.StartsWithSegments(GatewayEndpoints.WebSocketPath)
        || (path.StartsWithSegments(GatewayEndpoints.ApiPath) && !path.StartsWithSegments(GatewayEndpoints.ApiPath + "/auth"));
}
