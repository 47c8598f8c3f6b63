namespace OrleansChat.LoadGen;

/// <summary>One scenario against one target: its throughput, latency and correctness.</summary>
public sealed record ScenarioResult
{
    public required string Scenario { get; init; }

    public required string Target { get; init; }

    /// <summary>The shape, in words (sizes and rates), without the mix.</summary>
    public required string Shape { get; init; }

    /// <summary>direct: the traffic mix (<c>text=80,edit=10,reaction=10</c>); null when every send was a text.</summary>
    public string? Mix { get; init; }

    /// <summary>fanout against orleanschat: <c>sse</c> when the receiving members were on event streams; null on WebSockets.</summary>
    public string? Receivers { get; init; }

    /// <summary>When sending started (UTC), to pair runs in the order they ran.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>Acked sends by kind (text, edit, reaction), the warm-up included.</summary>
    public IReadOnlyDictionary<string, long> AckedByKind { get; init; } = new Dictionary<string, long>();

    /// <summary>With a mix: send-to-ack latency of each kind after the warm-up.</summary>
    public IReadOnlyDictionary<string, LatencySummary> AckLatencyByKind { get; init; } = new Dictionary<string, LatencySummary>();

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

    /// <summary>fanout, direct: the seconds measured (the duration less the warm-up), which <see cref="Throughput"/> is counted over.</summary>
    public double MeasuredSeconds { get; init; }

    /// <summary>fanout, direct with <c>--cpu</c>: each named server process's CPU seconds (its descendants' included) over the measured window.</summary>
    public IReadOnlyDictionary<string, double> ProcessCpuSeconds { get; init; } = new Dictionary<string, double>();

    /// <summary>A process's CPU microseconds per message counted in <see cref="Throughput"/> (per delivery in fanout); null without its figure.</summary>
    public double? CpuMicrosecondsPerMessage(string process) =>
        ProcessCpuSeconds.TryGetValue(process, out var seconds) && Throughput * MeasuredSeconds > 0 ? seconds * 1e6 / (Throughput * MeasuredSeconds) : null;

    /// <summary>assistant: the first-chunk times and the reply checks.</summary>
    public Assistant.AssistantFigures? Assistant { get; init; }

    public bool CorrectnessPassed => Gaps == 0 && Duplicates == 0 && Reorderings == 0 && (Assistant?.Passed ?? true);
}
