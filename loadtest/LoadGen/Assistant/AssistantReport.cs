using System.Globalization;
using System.Text;

namespace OrleansChat.LoadGen.Assistant;

/// <summary>Issue 14's speed figures of each assistant run, against their bars.</summary>
public static class AssistantReport
{
    public static string Lines(IReadOnlyList<ScenarioResult> results)
    {
        var text = new StringBuilder();
        foreach (var r in results.Where(r => r.Assistant is not null).OrderBy(r => r.StartedAt))
        {
            var a = r.Assistant!;
            text.AppendLine();
            text.AppendLine(F($"assistant, {r.Shape}; stand-in {a.StandIn}, started {r.StartedAt:HH:mm:ss} UTC:"));
            text.AppendLine(F($"- chunk delivery (stand-in to socket): p50 {r.Latency.P50Ms:0.00} ms, p99 {r.Latency.P99Ms:0.00} ms, max {r.Latency.MaxMs:0.0} ms over {r.Latency.Count} stamps (target p99 < {AssistantFigures.ChunkP99TargetMs:0} ms: {Verdict(r.Latency.P99Ms < AssistantFigures.ChunkP99TargetMs)})"));
            text.AppendLine(F($"- of which chunk 0 of each job p50 {a.ChunkZeroDelivery.P50Ms:0.00} / p99 {a.ChunkZeroDelivery.P99Ms:0.00} ms, every later chunk p50 {a.LaterChunkDelivery.P50Ms:0.00} / p99 {a.LaterChunkDelivery.P99Ms:0.00} ms"));
            text.AppendLine(F($"- first chunk through the system p50 {a.FirstChunk.P50Ms:0.00} ms (p99 {a.FirstChunk.P99Ms:0.00}), straight from the stand-in p50 {a.FirstChunkDirect.P50Ms:0.00} ms (p99 {a.FirstChunkDirect.P99Ms:0.00}): added at p50 {a.AddedFirstChunkP50Ms:0.00} ms (target < {AssistantFigures.AddedFirstChunkP50TargetMs:0} ms: {Verdict(a.AddedFirstChunkP50Ms < AssistantFigures.AddedFirstChunkP50TargetMs)})"));
            text.AppendLine(F($"- {a.Jobs} jobs, {r.Received} chunk frames on {r.Connections} connections, send to ack p50 {r.AckLatency.P50Ms:0.00} / p99 {r.AckLatency.P99Ms:0.00} ms, send to reply p50 {a.Reply.P50Ms:0.0} / p99 {a.Reply.P99Ms:0.0} ms"));
            text.AppendLine(F($"- checks: replies stored once {a.StoredOnce}/{a.Jobs}, replies missing on a connection {a.MissingReplies}, replies unlike their chunks {a.Mismatches}, chunk gaps {r.Gaps}, duplicates {r.Duplicates}, reorderings {r.Reorderings}, retried attempts {a.Restarts}, chunks of an earlier attempt after a later one {a.Stale}: {(r.CorrectnessPassed ? "pass" : "FAIL")}"));
        }

        return text.ToString();
    }

    private static string Verdict(bool met) => met ? "met" : "missed";

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
