namespace OrleansChat.LoadGen;

/// <summary>One scenario against one target: its throughput, latency and correctness.</summary>
public sealed record ScenarioResult
{
    public required string Scenario { get; init; }

    public required string Target { get; init; }

    /// <summary>The shape, in words (sizes and rates).</summary>
    public required string Shape { get; init; }

    /// <summary>What <see cref="Throughput"/> counts: connections/s, delivered msg/s or acked sends/s.</summary>
    public required string ThroughputUnit { get; init; }

    public double Throughput { get; init; }

    /// <summary>Messages offered per second (fanout, direct).</summary>
    public double Offered { get; init; }

    /// <summary>The latency the table shows: connect, send-to-receive (fanout) or send-to-ack (direct).</summary>
    public LatencySummary Latency { get; init; } = new(0, 0, 0, 0, 0);

    /// <summary>Send-to-ack latency (fanout, direct).</summary>
    public LatencySummary AckLatency { get; init; } = new(0, 0, 0, 0, 0);

    public int Connections { get; init; }

    public long? ServerMemoryBefore { get; init; }

    public long? ServerMemoryAfter { get; init; }

    public double? ServerMemoryPerConnection =>
        ServerMemoryBefore is { } before && ServerMemoryAfter is { } after && Connections > 0 ? (after - before) / (double)Connections : null;

    public long Received { get; init; }

    public long Gaps { get; init; }

    public long Duplicates { get; init; }

    public long Reorderings { get; init; }

    /// <summary>Failed connects, sends, pings or connections lost while held.</summary>
    public long Errors { get; init; }

    public IReadOnlyList<string> Violations { get; init; } = [];

    public bool CorrectnessPassed => Gaps == 0 && Duplicates == 0 && Reorderings == 0;
}
