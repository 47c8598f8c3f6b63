using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace OrleansChat.Gateway.Connections;

/// <summary>This gateway as rooms, users and sessions address it: the reference to its one observer.</summary>
internal sealed class GatewayReference(IGrainFactory grains, IServiceProvider services, IOptions<GatewayOptions> options)
{
    private readonly TimeSpan _heartbeatInterval = options.Value.HeartbeatInterval;
    private IChatGatewayObserver? _self;

    /// <summary>
    /// Made at first use: the observer delivers to the subscriptions, and the subscriptions hand this reference to the
    /// grains, so the observer is looked up here rather than injected.
    /// </summary>
    public IChatGatewayObserver Self => LazyInitializer.EnsureInitialized(
        ref _self,
        () => grains.CreateObjectReference<IChatGatewayObserver>(services.GetRequiredService<GatewayObserver>()));

    public SessionInfo SessionOf(ChatConnection connection) => new(connection.UserId, Self, _heartbeatInterval);
}
