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

            var (median, p99) = FanoutPairs.Append(
                text, F($"fanout {shape.Key}: receivers on event streams (SSE) against WebSockets, pairs in the order they ran"), "WS", "SSE", pairs);
            text.AppendLine(F($"median: delivered SSE/WS x{median:0.000} (target x{Target:0.0}: {(median >= Target ? "met" : "missed")}), p99 SSE/WS x{p99:0.00} ({pairs.Count} pairs)"));
        }

        return text.ToString();
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
