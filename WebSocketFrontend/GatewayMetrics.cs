using System.Diagnostics.Metrics;

namespace OrleansChat.Gateway;

/// <summary>The gateway's instruments on the <c>OrleansChat</c> meter.</summary>
public sealed class GatewayMetrics
{
    public const string MeterName = "OrleansChat";

    private readonly UpDownCounter<long> _connections;
    private readonly Counter<long> _deliveries;
    private readonly Counter<long> _slowConsumers;
    private readonly Histogram<double> _sendToAck;

    public GatewayMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _connections = meter.CreateUpDownCounter<long>("chat.connections", "{connection}", "Open WebSocket connections.");
        _deliveries = meter.CreateCounter<long>("chat.deliveries", "{frame}", "Frames written to client sockets.");
        _slowConsumers = meter.CreateCounter<long>("chat.slow_consumers", "{connection}", "Connections closed with 4008 for not reading.");
        _sendToAck = meter.CreateHistogram<double>(
            "chat.send_to_ack.duration",
            "s",
            "Time from a send reaching the gateway to its ack, message durably stored.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
    }

    public void ConnectionOpened() => _connections.Add(1);

    public void ConnectionClosed() => _connections.Add(-1);

    public void Delivered() => _deliveries.Add(1);

    public void SlowConsumerClosed() => _slowConsumers.Add(1);

    public void Acked(TimeSpan elapsed) => _sendToAck.Record(elapsed.TotalSeconds);
}
