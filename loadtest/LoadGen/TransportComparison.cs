using System.Globalization;
using System.Text;

namespace OrleansChat.LoadGen;

/// <summary>
/// Issue 14's fan-out check: each fanout run of OrleansChat with receivers on event streams against the WebSocket run
/// of the same shape that ran next to it (the i-th of each, in the order they started), and the median ratios SSE/WS.
/// </summary>
public static class TransportComparison
{
    /// <summary>Issue 14's bar: SSE fan-out delivers at least this share of what WebSockets deliver.</summary>
    public const double Target = 0.8;

    private const string OnEvents = ", receivers on events";

    public static string Table(IReadOnlyList<ScenarioResult> results)
    {
        var text = new StringBuilder();
        var fanout = results.Where(r => r.Scenario == "fanout" && r.Target == "orleanschat" && r.Mix is null).OrderBy(r => r.StartedAt).ToList();
        foreach (var shape in fanout.GroupBy(r => r.Shape.Replace(OnEvents, "", StringComparison.Ordinal)))
        {
            var pairs = shape.Where(r => r.Receivers is null).Zip(shape.Where(r => r.Receivers == "sse")).ToList();
            if (pairs.Count == 0)
            {
                continue;
            }

            text.AppendLine();
            text.AppendLine(F($"fanout {shape.Key}: receivers on event streams (SSE) against WebSockets, pairs in the order they ran"));
            text.AppendLine("| pair | WS delivered/s | WS p50 / p99 ms | SSE delivered/s | SSE p50 / p99 ms | delivered SSE/WS | p99 SSE/WS | checks |");
            text.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
            var throughputRatios = new List<double>();
            var p99Ratios = new List<double>();
            foreach (var (ws, sse, i) in pairs.Select((pair, i) => (pair.First, pair.Second, i + 1)))
            {
                var throughput = ws.Throughput > 0 ? sse.Throughput / ws.Throughput : 0;
                var p99 = ws.Latency.P99Ms > 0 ? sse.Latency.P99Ms / ws.Latency.P99Ms : 0;
                throughputRatios.Add(throughput);
                p99Ratios.Add(p99);
                var checks = ws.CorrectnessPassed && sse.CorrectnessPassed && ws.Errors + sse.Errors == 0 ? "pass" : "FAIL";
                text.AppendLine(F($"| {i} | {ws.Throughput:0} | {ws.Latency.P50Ms:0.00} / {ws.Latency.P99Ms:0.00} | {sse.Throughput:0} | {sse.Latency.P50Ms:0.00} / {sse.Latency.P99Ms:0.00} | x{throughput:0.000} | x{p99:0.00} | {checks} |"));
            }

            var median = MixComparison.Median(throughputRatios);
            text.AppendLine(F($"median: delivered SSE/WS x{median:0.000} (target x{Target:0.0}: {(median >= Target ? "met" : "missed")}), p99 SSE/WS x{MixComparison.Median(p99Ratios):0.00} ({pairs.Count} pairs)"));
        }

        return text.ToString();
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
