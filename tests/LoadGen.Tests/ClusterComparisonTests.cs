using OrleansChat.LoadGen;

namespace OrleansChat.LoadGenTests;

public sealed class ClusterComparisonTests
{
    [Fact]
    public void Each_cluster_fanout_run_is_paired_with_the_single_process_run_beside_it_with_the_cpu_per_delivery_of_each_process()
    {
        var start = new DateTimeOffset(2026, 11, 30, 6, 0, 0, TimeSpan.Zero);
        var results = new[]
        {
            Single(start, throughput: 3000, p99: 10, cpu: 6),
            Cluster(start.AddMinutes(1), throughput: 2400, p99: 30, silo: 3, gateway: 4.5, postgres: 1.5),
            Single(start.AddMinutes(2), throughput: 3000, p99: 20, cpu: 7.5),
            Cluster(start.AddMinutes(3), throughput: 3000, p99: 20, silo: 3.75, gateway: 6, postgres: 0.75),
        };

        var table = ClusterComparison.Table(results);

        Assert.Contains("fanout 10 chats x 100 members, 30 msg/s per chat, 25 s: a cluster of 2 silos and 1 gateway on PostgreSQL against the single process", table, StringComparison.Ordinal);
        Assert.Contains("| 1 | 3000 | 5.00 / 10.00 | 2400 | 5.00 / 30.00 | x0.800 | x3.00 | pass |", table, StringComparison.Ordinal);
        Assert.Contains("median: delivered cluster/single x0.900, p99 cluster/single x2.00 (2 pairs)", table, StringComparison.Ordinal);
        // 2,400 deliveries/s over 15 s measured are 36,000 deliveries: 4.5 s of the gateway's CPU is 125 us each.
        Assert.Contains("| 1 | cluster gateway | 4.50 | 125.0 |", table, StringComparison.Ordinal);
        Assert.Contains("| 1 | cluster total | 12.00 | 333.3 |", table, StringComparison.Ordinal);
        Assert.Contains("| 2 | single process | 7.50 | 166.7 |", table, StringComparison.Ordinal);
        Assert.Contains("median CPU us per delivery: single process 150.0; cluster silo1 83.3; cluster silo2 83.3; cluster gateway 129.2; cluster postgres 29.2; cluster total 325.0;", table, StringComparison.Ordinal);
    }

    [Fact]
    public void Single_process_fanout_runs_without_cluster_runs_print_no_comparison()
    {
        var start = new DateTimeOffset(2026, 11, 30, 6, 0, 0, TimeSpan.Zero);

        Assert.Equal("", ClusterComparison.Table([Single(start, throughput: 3000, p99: 10, cpu: 6)]));
    }

    private static ScenarioResult Single(DateTimeOffset startedAt, double throughput, double p99, double cpu) =>
        Fanout(startedAt, "orleanschat", throughput, p99, new Dictionary<string, double> { ["process"] = cpu });

    private static ScenarioResult Cluster(DateTimeOffset startedAt, double throughput, double p99, double silo, double gateway, double postgres) =>
        Fanout(startedAt, "orleanschat-cluster", throughput, p99, new Dictionary<string, double>
        {
            ["silo1"] = silo, ["silo2"] = silo, ["gateway"] = gateway, ["postgres"] = postgres,
        });

    private static ScenarioResult Fanout(DateTimeOffset startedAt, string target, double throughput, double p99, Dictionary<string, double> cpu) => new()
    {
        Scenario = "fanout",
        Target = target,
        Shape = "10 chats x 100 members, 30 msg/s per chat, 25 s",
        StartedAt = startedAt,
        ThroughputUnit = "delivered msg/s",
        Throughput = throughput,
        MeasuredSeconds = 15,
        ProcessCpuSeconds = cpu,
        Latency = new LatencySummary(100, 5, p99, p99, p99),
    };
}
