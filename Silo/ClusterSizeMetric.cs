using System.Diagnostics.Metrics;
using OrleansChat.Gateway;

namespace OrleansChat.Silo;

/// <summary>
/// <c>chat.cluster.silos</c>: the active silos in this silo's membership view, for the dashboard's silo count (Orleans
/// exports no such figure). Observed at each scrape, so it costs nothing between them.
/// </summary>
internal sealed class ClusterSizeMetric : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly IMeterFactory _meters;
    private readonly IClusterMembershipService _membership;

    public ClusterSizeMetric(IMeterFactory meters, IClusterMembershipService membership)
    {
        _meters = meters;
        _membership = membership;
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ClusterSizeMetric), ServiceLifecycleStage.Active, _ =>
        {
            _meters.Create(GatewayMetrics.MeterName).CreateObservableGauge(
                "chat.cluster.silos",
                () => _membership.CurrentSnapshot.Members.Count(m => m.Value.Status == SiloStatus.Active),
                "{silo}",
                "Active silos in this silo's view of the cluster membership.");
            return Task.CompletedTask;
        });
}
