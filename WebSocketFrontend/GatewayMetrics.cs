using System.Diagnostics.Metrics;

namespace OrleansChat.Gateway;

/// <summary>The gateway's instruments on the <c>OrleansChat</c> meter.</summary>
public sealed class GatewayMetrics
{
    public const string MeterName = "OrleansChat";

    private static readonly InstrumentAdvice<double> LatencyBuckets =
        new() { HistogramBucketBoundaries = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] };

    private readonly UpDownCounter<long> _connections;
    private readonly Counter<long> _deliveries;
    private readonly Histogram<double> _sendToAck;
    private readonly Histogram<double> _delivery;

    // Rare events are observed counts, so that their series exist (at 0) from the first scrape and a dashboard's
    // rate over them shows 0 rather than nothing.
    private long _slowConsumers;
    private long _rateLimited;

    public GatewayMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _connections = meter.CreateUpDownCounter<long>("chat.connections", "{connection}", "Open WebSocket connections.");
        _deliveries = meter.CreateCounter<long>("chat.deliveries", "{frame}", "Frames written to client sockets.");
        meter.CreateObservableCounter(
            "chat.slow_consumers", () => Interlocked.Read(ref _slowConsumers), "{connection}", "Connections closed with 4008 for not reading.");
        meter.CreateObservableCounter(
            "chat.rate_limited", () => Interlocked.Read(ref _rateLimited), "{frame}", "Frames answered rate_limited (a connection's frame limit or a user's send limit).");
        _sendToAck = meter.CreateHistogram(
            "chat.send_to_ack.duration", "s", "Time from a send reaching the gateway to its ack, message durably stored.", advice: LatencyBuckets);
        _delivery = meter.CreateHistogram(
            "chat.delivery.duration", "s", "Time from a message's sentAt (its commit) to this gateway queueing it for its connections.", advice: LatencyBuckets);
    }

    public void ConnectionOpened() => _connections.Add(1);

    public void ConnectionClosed() => _connections.Add(-1);

    /// <summary><paramref name="frames"/> frames were written to a client in one batch.</summary>
    public void Delivered(int frames) => _deliveries.Add(frames);

    public void SlowConsumerClosed() => Interlocked.Increment(ref _slowConsumers);

    public void RateLimited() => Interlocked.Increment(ref _rateLimited);

    public void Acked(TimeSpan elapsed) => _sendToAck.Record(elapsed.TotalSeconds);

    /// <summary>One message reached this gateway; <paramref name="elapsed"/> since it was stored (clocks of two processes).</summary>
    public void MessageArrived(TimeSpan elapsed) => _delivery.Record(Math.Max(0, elapsed.TotalSeconds));
}
