using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansChat.Gateway.Connections;

/// <summary>Makes a connection over any <see cref="IFrameTransport"/>, and the per-connection parts that read its frames.</summary>
internal sealed class ConnectionFactory(
    ConnectionRegistry registry,
    IGrainFactory grains,
    SendRateLimiter rateLimiter,
    FrameRateLimiter frameLimiter,
    GatewayMetrics metrics,
    IOptions<GatewayOptions> options,
    TimeProvider time,
    ILogger<ClientFrameHandler> logger)
{
    private readonly GatewayOptions _options = options.Value;

    public ChatConnection Create(IFrameTransport transport, string userId, string sessionId) =>
        new(transport, userId, sessionId, _options, metrics);

    /// <summary>The handler of the connection's client frames, with the connection's own send pipeline and frame limit.</summary>
    public ClientFrameHandler HandlerFor(ChatConnection connection) => new(
        connection,
        new SendPipeline(connection, grains, metrics, time, logger, _options.MaxSendsInFlight),
        registry,
        grains,
        rateLimiter,
        frameLimiter.ForConnection(),
        metrics,
        logger);
}
