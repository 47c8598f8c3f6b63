using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansChat.Gateway.Connections;

/// <summary>Tells each connection's session grain, every heartbeat interval, that its device is still here.</summary>
internal sealed class SessionHeartbeatService(
    ConnectionRegistry registry,
    GatewayReference gateway,
    IGrainFactory grains,
    IOptions<GatewayOptions> options,
    TimeProvider time,
    ILogger<SessionHeartbeatService> logger) : PeriodicBackgroundService(options.Value.HeartbeatInterval, time)
{
    protected override Task TickAsync(CancellationToken stoppingToken) =>
        Parallel.ForEachAsync(registry.Connections, Parallelism(stoppingToken), async (connection, _) =>
        {
            try
            {
                await grains.GetGrain<ISessionGrain>(connection.SessionId).Heartbeat(gateway.SessionOf(connection));
            }
            catch (Exception ex)
            {
                GatewayLog.RenewFailed(logger, ex, connection.SessionId);
            }
        });
}
