using System.Reflection;
using Orleans.Runtime;

namespace OrleansChat.Silo;

/// <summary>
/// Orleans' silo watchdog (10.4.2) starts its platform thread before it stamps the start of its participant check.
/// When that thread looks first, it measures from the unset stamp, 0, which the membership clock (a Stopwatch) counts
/// from the machine's boot: every start then warns "Participant check thread has not completed for" the machine's
/// uptime, and records a component-stall health event that lowers the silo's local health score while it is new.
/// Stamping the check just before the watchdog starts leaves that thread nothing unset to read.
/// </summary>
internal sealed class WatchdogStartTimestamp(
    IServiceProvider services,
    [FromKeyedServices(TimeProviderNames.Membership)] TimeProvider membershipClock) : ILifecycleParticipant<ISiloLifecycle>
{
    private static readonly Type? Watchdog = typeof(Orleans.Runtime.Silo).Assembly.GetType("Orleans.Runtime.Watchdog");

    // Orleans 10.4's field; should a later version rename it, nothing is set and the start warning comes back
    // (the Deployment tests look for it).
    private static readonly FieldInfo? ComponentCheckStamp =
        Watchdog?.GetField("_componentWatchdogTimestamp", BindingFlags.Instance | BindingFlags.NonPublic);

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(WatchdogStartTimestamp), ServiceLifecycleStage.RuntimeGrainServices - 1, _ =>
        {
            if (Watchdog is not null && ComponentCheckStamp?.FieldType == typeof(long) && services.GetService(Watchdog) is { } watchdog)
            {
                ComponentCheckStamp.SetValue(watchdog, membershipClock.GetTimestamp());
            }

            return Task.CompletedTask;
        });
}
