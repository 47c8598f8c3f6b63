using OrleansChat.LoadGen;

namespace OrleansChat.LoadGenTests;

public sealed class TransportComparisonTests
{
    [Fact]
    public void Each_sse_fanout_run_is_paired_with_the_websocket_run_beside_it_and_the_median_ratio_is_held_to_the_target()
    {
        var start = new DateTimeOffset(2026, 11, 30, 1, 0, 0, TimeSpan.Zero);
        var results = new[]
        {
            Fanout(start, sse: false, throughput: 1000, p99: 10),
            Fanout(start.AddMinutes(1), sse: true, throughput: 900, p99: 20),
            Fanout(start.AddMinutes(2), sse: false, throughput: 1000, p99: 10),
            Fanout(start.AddMinutes(3), sse: true, throughput: 700, p99: 30),
            Fanout(start.AddMinutes(4), sse: false, throughput: 1000, p99: 10),
            Fanout(start.AddMinutes(5), sse: true, throughput: 850, p99: 10),
        };

        var table = TransportComparison.Table(results);

        Assert.Contains("fanout 10 chats x 100 members, 30 msg/s per chat, 20 s: receivers on event streams (SSE) against WebSockets", table, StringComparison.Ordinal);
        Assert.Contains("| 2 | 1000 | 5.00 / 10.00 | 700 | 5.00 / 30.00 | x0.700 | x3.00 | pass |", table, StringComparison.Ordinal);
        Assert.Contains("median: delivered SSE/WS x0.850 (target x0.8: met), p99 SSE/WS x2.00 (3 pairs)", table, StringComparison.Ordinal);
    }

    [Fact]
    public void Fanout_runs_without_sse_receivers_print_no_comparison()
    {
        var start = new DateTimeOffset(2026, 11, 30, 1, 0, 0, TimeSpan.Zero);

        Assert.Equal("", TransportComparison.Table([Fanout(start, sse: false, throughput: 1000, p99: 10)]));
    }

    private static ScenarioResult Fanout(DateTimeOffset startedAt, bool sse, double throughput, double p99) => new()
    {
        Scenario = "fanout",
        Target = "orleanschat",
        Shape = $"10 chats x 100 members{(sse ? ", receivers on events" : "")}, 30 msg/s per chat, 20 s",
        Receivers = sse ? "sse" : null,
        StartedAt = startedAt,
        ThroughputUnit = "delivered msg/s",
        Throughput = throughput,
        Latency = new LatencySummary(100, 5, p99, p99, p99),
    };
}
