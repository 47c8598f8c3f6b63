using System.Globalization;
using System.Text;
using System.Text.Json;

namespace OrleansChat.LoadGen;

/// <summary>The comparison table: each scenario, each target, and OrleansChat's ratio to each peer measured in the same run.</summary>
public static class Report
{
    private static readonly string[] ScenarioOrder = ["connections", "fanout", "direct"];

    public static string Table(IReadOnlyList<ScenarioResult> results)
    {
        var table = new StringBuilder();
        table.AppendLine("| scenario | target | shape | throughput | p50 ms | p99 ms | server KiB/conn | errors | checks | OrleansChat / target |");
        table.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var scenario in results.GroupBy(r => (r.Scenario, r.Shape, r.Mix)).OrderBy(g => Array.IndexOf(ScenarioOrder, g.Key.Scenario)))
        {
            var ours = scenario.FirstOrDefault(r => r.Target == "orleanschat");
            foreach (var r in scenario.OrderBy(r => r.Target == "orleanschat" ? 0 : 1).ThenBy(r => r.Target, StringComparer.Ordinal))
            {
                // Against the peers only: rows of OrleansChat itself (rounds of one shape) are not each other's reference.
                var ratio = ours is null || r.Target == "orleanschat" || r.Throughput <= 0
                    ? ""
                    : F($"throughput x{ours.Throughput / r.Throughput:0.00}, p99 x{(r.Latency.P99Ms > 0 ? ours.Latency.P99Ms / r.Latency.P99Ms : 0):0.00}");
                var memory = r.ServerMemoryPerConnection is { } m ? F($"{m / 1024:0.0}") : "";
                var checks = r.CorrectnessPassed ? "pass" : F($"FAIL (gaps {r.Gaps}, dup {r.Duplicates}, reorder {r.Reorderings})");
                table.AppendLine(F($"| {r.Scenario} | {r.Target} | {ShapeOf(r)} | {r.Throughput:0} {r.ThroughputUnit} | {r.Latency.P50Ms:0.00} | {r.Latency.P99Ms:0.00} | {memory} | {r.Errors} | {checks} | {ratio} |"));
            }
        }

        // The targets: the best throughput each target reached within its latency bound, over the rates run.
        foreach (var (scenario, boundMs) in new[] { ("fanout", 250.0), ("direct", 20.0) })
        {
            var best = results.Where(r => r.Scenario == scenario && r.Mix is null && r.CorrectnessPassed && r.Errors == 0 && r.Latency.P99Ms < boundMs)
                .GroupBy(r => r.Target).ToDictionary(g => g.Key, g => g.MaxBy(r => r.Throughput)!);
            if (!results.Any(r => r.Scenario == scenario))
            {
                continue;
            }

            table.AppendLine();
            table.Append(F($"{scenario}, best with p99 < {boundMs:0} ms:"));
            foreach (var target in results.Select(r => r.Target).Distinct().Order(StringComparer.Ordinal))
            {
                table.Append(best.TryGetValue(target, out var r) ? F($" {target} {r.Throughput:0} {r.ThroughputUnit} ({r.Shape});") : F($" {target} none;"));
            }

            if (best.TryGetValue("orleanschat", out var ours))
            {
                foreach (var (target, peer) in best.Where(b => b.Key != "orleanschat"))
                {
                    table.Append(F($" OrleansChat/{target} x{ours.Throughput / peer.Throughput:0.00};"));
                }
            }

            table.AppendLine();
        }

        table.Append(MixComparison.Table(results));
        table.Append(TransportComparison.Table(results));
        table.Append(ClusterComparison.Table(results));
        table.Append(Assistant.AssistantReport.Lines(results));
        return table.ToString();
    }

    public static string ShapeOf(ScenarioResult r) => r.Mix is null ? r.Shape : F($"{r.Shape}, mix {r.Mix}");

    public static int Print(IEnumerable<string> files)
    {
        var results = files.Select(f => JsonSerializer.Deserialize<ScenarioResult>(File.ReadAllText(f), Json.Options)!).ToList();
        Console.Write(Table(results));
        return results.All(r => r.CorrectnessPassed) ? 0 : 1;
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
