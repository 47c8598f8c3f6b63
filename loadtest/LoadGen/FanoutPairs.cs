using System.Globalization;
using System.Text;

namespace OrleansChat.LoadGen;

/// <summary>
/// The table both fan-out comparisons print: each run of one kind against the run of the other kind that ran beside it
/// (the i-th of each), delivered/s and latency side by side, the ratios second/first and the checks of both.
/// </summary>
public static class FanoutPairs
{
    /// <summary>Appends the title, the table and its rows; answers the median ratios second/first.</summary>
    public static (double Throughput, double P99) Append(
        StringBuilder text, string title, string first, string second, IReadOnlyList<(ScenarioResult First, ScenarioResult Second)> pairs)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(pairs);
        text.AppendLine();
        text.AppendLine(title);
        text.AppendLine(F($"| pair | {first} delivered/s | {first} p50 / p99 ms | {second} delivered/s | {second} p50 / p99 ms | delivered {second}/{first} | p99 {second}/{first} | checks |"));
        text.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
        var throughputRatios = new List<double>();
        var p99Ratios = new List<double>();
        foreach (var (a, b, i) in pairs.Select((pair, i) => (pair.First, pair.Second, i + 1)))
        {
            var throughput = a.Throughput > 0 ? b.Throughput / a.Throughput : 0;
            var p99 = a.Latency.P99Ms > 0 ? b.Latency.P99Ms / a.Latency.P99Ms : 0;
            throughputRatios.Add(throughput);
            p99Ratios.Add(p99);
            var checks = a.CorrectnessPassed && b.CorrectnessPassed && a.Errors + b.Errors == 0 ? "pass" : "FAIL";
            text.AppendLine(F($"| {i} | {a.Throughput:0} | {a.Latency.P50Ms:0.00} / {a.Latency.P99Ms:0.00} | {b.Throughput:0} | {b.Latency.P50Ms:0.00} / {b.Latency.P99Ms:0.00} | x{throughput:0.000} | x{p99:0.00} | {checks} |"));
        }

        return (MixComparison.Median(throughputRatios), MixComparison.Median(p99Ratios));
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
