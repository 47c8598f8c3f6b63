using OrleansChat.LoadGen.Targets;

namespace OrleansChat.LoadGen.Scenarios;

/// <summary>P pairs, each in its direct chat, both sides sending at a fixed rate; acks measure durable sends.</summary>
public static class DirectScenario
{
    public static async Task<ScenarioResult> RunAsync(LoadOptions options, ITarget target, CancellationToken cancellationToken)
    {
        var run = new MessagingRun(options, target);
        var senders = new List<(IChatClient, string)>();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, options.Pairs),
            new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken },
            async (p, ct) =>
            {
                var (a, b) = ($"{options.RunId}-d{p}-a", $"{options.RunId}-d{p}-b");
                var chat = await target.CreateDirectAsync(a, b, ct);
                var clientA = await run.ConnectAsync(a, [chat], ct);
                var clientB = await run.ConnectAsync(b, [chat], ct);
                lock (senders)
                {
                    senders.Add((clientA, chat));
                    senders.Add((clientB, chat));
                }
            });

        try
        {
            var shape = $"{options.Pairs} pairs, {options.Rate:0.#} msg/s per user, {options.DurationSeconds:0.#} s";
            return await run.SendAsync("direct", shape, "acked sends/s", senders, throughputIsAcks: true, cancellationToken);
        }
        finally
        {
            await run.DisconnectAllAsync();
        }
    }
}
