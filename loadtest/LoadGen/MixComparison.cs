using System.Globalization;
using System.Text;

namespace OrleansChat.LoadGen;

/// <summary>
/// Issue 12's speed check: each mixed direct run of OrleansChat against the plain run of the same shape that ran
/// next to it (the i-th mixed run with the i-th plain one, in the order they started), and the median ratios.
/// </summary>
public static class MixComparison
{
    private static readonly string[] Kinds = ["text", "edit", "reaction"];

    public static string Table(IReadOnlyList<ScenarioResult> results)
    {
        var text = new StringBuilder();
        var direct = results.Where(r => r.Scenario == "direct" && r.Target == "orleanschat").OrderBy(r => r.StartedAt).ToList();
        foreach (var shape in direct.GroupBy(r => r.Shape))
        {
            var plain = shape.Where(r => r.Mix is null).ToList();
            foreach (var mixed in shape.Where(r => r.Mix is not null).GroupBy(r => r.Mix))
            {
                var pairs = plain.Zip(mixed).ToList();
                if (pairs.Count == 0)
                {
                    continue;
                }

                text.AppendLine();
                text.AppendLine(F($"direct {shape.Key}: mix {mixed.Key} against plain texts, pairs in the order they ran"));
                text.AppendLine("| pair | plain acked/s | plain p50 / p99 ms | mixed acked/s | mixed p50 / p99 ms | throughput mixed/plain | p99 mixed/plain | mixed p99 ms text / edit / reaction |");
                text.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
                var throughputRatios = new List<double>();
                var p99Ratios = new List<double>();
                foreach (var (p, m, i) in pairs.Select((pair, i) => (pair.First, pair.Second, i + 1)))
                {
                    var throughput = p.Throughput > 0 ? m.Throughput / p.Throughput : 0;
                    var p99 = p.AckLatency.P99Ms > 0 ? m.AckLatency.P99Ms / p.AckLatency.P99Ms : 0;
                    throughputRatios.Add(throughput);
                    p99Ratios.Add(p99);
                    var byKind = string.Join(" / ", Kinds.Select(k =>
                        m.AckLatencyByKind.TryGetValue(k, out var l) ? F($"{l.P99Ms:0.00}") : "-"));
                    text.AppendLine(F($"| {i} | {p.Throughput:0} | {p.AckLatency.P50Ms:0.00} / {p.AckLatency.P99Ms:0.00} | {m.Throughput:0} | {m.AckLatency.P50Ms:0.00} / {m.AckLatency.P99Ms:0.00} | x{throughput:0.000} | x{p99:0.00} | {byKind} |"));
                }

                text.AppendLine(F($"median: throughput mixed/plain x{Median(throughputRatios):0.000}, p99 mixed/plain x{Median(p99Ratios):0.00} ({pairs.Count} pairs)"));
            }
        }

        return text.ToString();
    }

    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        var sorted = values.Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
