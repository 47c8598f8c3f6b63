using System.Diagnostics.Metrics;

namespace OrleansChat.PushWorker;

/// <summary>The push worker's instruments on the <c>OrleansChat</c> meter.</summary>
public sealed class PushMetrics
{
    public const string MeterName = "OrleansChat";

    private readonly Counter<long> _sent;
    private readonly Counter<long> _retried;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _dropped;
    private readonly Histogram<double> _outboxAge;

    // Observed, so that the series exists (at 0) before the first dead letter and a dashboard's rate of it shows 0.
    private long _deadLettered;

    public PushMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _sent = meter.CreateCounter<long>("chat.push.sent", "{notification}", "Notifications a provider accepted.");
        _retried = meter.CreateCounter<long>("chat.push.retried", "{notification}", "Failed attempts scheduled to be tried again.");
        _failed = meter.CreateCounter<long>("chat.push.failed", "{attempt}", "Failed attempts, by reason: transient, unregistered, rejected.");
        meter.CreateObservableCounter(
            "chat.push.dead_lettered", () => Interlocked.Read(ref _deadLettered), "{notification}", "Outbox rows given up on and kept for inspection.");
        _dropped = meter.CreateCounter<long>("chat.push.dropped", "{notification}", "Outbox rows for devices the user no longer has.");
        _outboxAge = meter.CreateHistogram<double>("chat.push.outbox_age", "s", "Time from queueing to claim of an outbox row.");
    }

    public void Sent(DevicePlatform platform) => _sent.Add(1, Platform(platform));

    public void Retried(DevicePlatform platform) => _retried.Add(1, Platform(platform));

    public void Failed(DevicePlatform platform, string reason) =>
        _failed.Add(1, Platform(platform), new KeyValuePair<string, object?>("reason", reason));

    public void DeadLettered() => Interlocked.Increment(ref _deadLettered);

    public void Dropped() => _dropped.Add(1);

    public void OutboxAge(TimeSpan age) => _outboxAge.Record(Math.Max(0, age.TotalSeconds));

    private static KeyValuePair<string, object?> Platform(DevicePlatform platform) => new("platform", platform.ToString());
}
