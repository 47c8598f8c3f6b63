using Microsoft.Extensions.Logging;

namespace OrleansChat.Gateway.Connections;

/// <summary>The gateway's log lines about subscriptions and leases.</summary>
internal static partial class GatewayLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing the lease on {Key} failed; the next renewal tries again")]
    public static partial void RenewFailed(ILogger logger, Exception exception, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscribing a connection failed; the next renewal tries again")]
    public static partial void SubscribeFailed(ILogger logger, Exception exception);
}
