using System.Globalization;
using System.Text;

namespace OrleansChat.LoadGen;

/// <summary>
/// Issue 15's cluster figure: each fanout run through the three-process cluster (target <c>orleanschat-cluster</c>)
/// against the single-process run of the same shape that ran next to it (the i-th of each, in the order they
/// started): the ratios cluster/single, and the CPU each process spent per delivered message over the measured window.
/// </summary>
public static class ClusterComparison
{
    public const string ClusterTarget = "orleanschat-cluster";

    public static string Table(IReadOnlyList<ScenarioResult> results)
    {
        var text = new StringBuilder();
        var fanout = results.Where(r => r.Scenario == "fanout" && r.Receivers is null && r.Target is ("orleanschat" or ClusterTarget))
            .OrderBy(r => r.StartedAt).ToList();
        foreach (var shape in fanout.GroupBy(r => r.Shape))
        {
            var pairs = shape.Where(r => r.Target == "orleanschat").Zip(shape.Where(r => r.Target == ClusterTarget)).ToList();
            if (pairs.Count == 0)
            {
                continue;
            }

            var (throughput, p99) = FanoutPairs.Append(
                text, F($"fanout {shape.Key}: a cluster of 2 silos and 1 gateway on PostgreSQL against the single process, pairs in the order they ran"), "single", "cluster", pairs);
            text.AppendLine(F($"median: delivered cluster/single x{throughput:0.000}, p99 cluster/single x{p99:0.00} ({pairs.Count} pairs)"));
            text.Append(CpuRows(pairs));
        }

        return text.ToString();
    }

    /// <summary>Per pair and process, CPU seconds over the window and microseconds per delivered message; the medians last.</summary>
    private static string CpuRows(IReadOnlyList<(ScenarioResult Single, ScenarioResult Cluster)> pairs)
    {
        if (pairs.All(p => p.Single.ProcessCpuSeconds.Count + p.Cluster.ProcessCpuSeconds.Count == 0))
        {
            return "";
        }

        var text = new StringBuilder();
        text.AppendLine();
        text.AppendLine("CPU over the measured window, per process (its descendants included), per delivered message:");
        text.AppendLine("| pair | process | CPU s | CPU us / delivery |");
        text.AppendLine("| --- | --- | --- | --- |");
        var perDelivery = new Dictionary<string, List<double>>();
        foreach (var (pair, i) in pairs.Select((pair, i) => (pair, i + 1)))
        {
            foreach (var run in new[] { pair.Single, pair.Cluster })
            {
                var total = 0.0;
                foreach (var (process, seconds) in run.ProcessCpuSeconds)
                {
                    total += seconds;
                    Row(text, perDelivery, i, run, process, seconds);
                }

                if (run.ProcessCpuSeconds.Count > 1)
                {
                    Row(text, perDelivery, i, run, "total", total);
                }
            }
        }

        text.Append("median CPU us per delivery:");
        foreach (var (label, values) in perDelivery)
        {
            text.Append(F($" {label} {MixComparison.Median(values):0.0};"));
        }

        text.AppendLine();
        return text.ToString();
    }

    private static void Row(StringBuilder text, Dictionary<string, List<double>> perDelivery, int pair, ScenarioResult run, string process, double seconds)
    {
        var label = run.Target == ClusterTarget ? "cluster " + process : "single " + process;
        var deliveries = run.Throughput * run.MeasuredSeconds;
        var micros = deliveries > 0 ? seconds * 1e6 / deliveries : 0;
        if (!perDelivery.TryGetValue(label, out var values))
        {
            perDelivery[label] = values = [];
        }

        values.Add(micros);
        text.AppendLine(F($"| {pair} | {label} | {seconds:0.00} | {micros:0.0} |"));
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
