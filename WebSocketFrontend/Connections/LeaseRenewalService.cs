namespace OrleansChat.Gateway.Connections;

/// <summary>
/// Keeps rooms and watched users sending here: renews the lease of every chat and watch that has local connections,
/// and releases the ones that have none left.
/// </summary>
internal sealed class LeaseRenewalService(RoomSubscriptions rooms, PresenceWatches watches, TimeProvider time)
    : PeriodicBackgroundService(Interval, time)
{
    /// <summary>How often leases on rooms and watched users are renewed; rooms grant longer leases than this.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    protected override async Task TickAsync(CancellationToken stoppingToken)
    {
        await rooms.RenewAsync(Parallelism(stoppingToken));
        await watches.RenewAsync(Parallelism(stoppingToken));
    }
}
