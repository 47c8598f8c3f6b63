using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using OrleansChat.TestInfrastructure;

namespace OrleansChat.DeploymentTests;

/// <summary>
/// An operator's first lines are no false alarm: Orleans' watchdog used to warn at every start that its participant
/// check "has not completed for" the machine's uptime, when its platform thread looked before the check was stamped.
/// </summary>
public sealed class WatchdogStartTests
{
    [Fact]
    public async Task A_starting_silo_logs_no_participant_check_stall_even_when_the_watchdog_thread_looks_first()
    {
        var clock = new PlatformThreadFirstClock();
        var log = new LogRecorder(LogLevel.Warning);
        var directory = ScratchDirectory.Create("orleanschat-deployment-watchdog");
        try
        {
            await using (await InProcessChatServer.StartAsync(directory, AsDeployedCluster.SigningKey, configure: builder =>
            {
                builder.Services.AddKeyedSingleton<TimeProvider>(TimeProviderNames.Membership, clock);
                builder.Logging.AddProvider(log);
            }))
            {
                Assert.True(clock.PlatformThreadLookedFirst, "the watchdog's platform thread should have made its first check before Start went on");
                Assert.DoesNotContain(log.Messages, m => m.Contains("Participant check thread", StringComparison.Ordinal));
            }
        }
        finally
        {
            ScratchDirectory.Delete(directory);
        }
    }

    /// <summary>
    /// The membership clock, which makes the interleaving that used to happen most starts happen every time: once the
    /// watchdog's Start has started its platform thread, Start's next reading of the clock waits until that thread
    /// has made its first check (its third reading: two checks, then its own stamp).
    /// </summary>
    private sealed class PlatformThreadFirstClock : TimeProvider
    {
        private const string PlatformThread = "Orleans.Runtime.Watchdog.Platform";
        private readonly object _gate = new();
        private bool _platformChecked;
        private int _platformReadings;
        private int _startReadings;

        public bool PlatformThreadLookedFirst { get; private set; }

        public override long GetTimestamp()
        {
            if (Thread.CurrentThread.Name == PlatformThread)
            {
                if (Interlocked.Increment(ref _platformReadings) == 3)
                {
                    lock (_gate)
                    {
                        _platformChecked = true;
                        Monitor.PulseAll(_gate);
                    }
                }
            }
            else if (Volatile.Read(ref _startReadings) < 2 && CalledFromWatchdogStart() && Interlocked.Increment(ref _startReadings) == 2)
            {
                // Bounded, so that a watchdog that changed its ways fails the assertion rather than hangs the start.
                lock (_gate)
                {
                    var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 10;
                    while (!_platformChecked && Stopwatch.GetTimestamp() < deadline)
                    {
                        Monitor.Wait(_gate, TimeSpan.FromMilliseconds(100));
                    }

                    PlatformThreadLookedFirst = _platformChecked;
                }
            }

            return Stopwatch.GetTimestamp();
        }

        private static bool CalledFromWatchdogStart() =>
            new StackTrace().GetFrames().Any(f => f.GetMethod() is { Name: "Start", DeclaringType.FullName: "Orleans.Runtime.Watchdog" });
    }
}
