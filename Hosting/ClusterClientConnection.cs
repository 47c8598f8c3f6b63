namespace OrleansChat.Hosting;

/// <summary>
/// Whether this process's cluster client can reach the cluster: started (connected once) and holding at least one
/// gateway connection. The client tells both through its lifecycle and its connection-status observers, so reading
/// this costs no call; readiness and the gateway's requests consult it.
/// </summary>
public sealed class ClusterClientConnection : ILifecycleParticipant<IClusterClientLifecycle>, IClusterConnectionStatusObserver
{
    private volatile bool _started;
    private volatile int _gateways;

    /// <summary>True once the client has connected, while it holds a connection to at least one silo.</summary>
    public bool IsConnected => _started && _gateways > 0;

    public void Participate(IClusterClientLifecycle lifecycle) =>
        lifecycle.Subscribe(
            nameof(ClusterClientConnection),
            ServiceLifecycleStage.Last,
            _ =>
            {
                _started = true;
                return Task.CompletedTask;
            },
            _ =>
            {
                _started = false;
                return Task.CompletedTask;
            });

    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered) =>
        _gateways = currentNumberOfGateways;

    public void NotifyClusterConnectionLost() => _gateways = 0;
}
