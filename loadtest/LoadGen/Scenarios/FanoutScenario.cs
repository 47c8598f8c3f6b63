using OrleansChat.LoadGen.Targets;

namespace OrleansChat.LoadGen.Scenarios;

/// <summary>R group chats of M members; each chat's first member sends at a fixed rate; every member receives.</summary>
public static class FanoutScenario
{
    public static async Task<ScenarioResult> RunAsync(LoadOptions options, ITarget target, CancellationToken cancellationToken)
    {
        var run = new MessagingRun(options, target);
        var chats = new List<(string ChatId, string[] Members)>();
        for (var r = 0; r < options.Chats; r++)
        {
            var members = Enumerable.Range(0, options.Members).Select(m => $"{options.RunId}-f{r}-m{m}").ToArray();
            chats.Add((await target.CreateGroupAsync(members[0], members, cancellationToken), members));
        }

        var senders = new List<(IChatClient, string)>();
        await Parallel.ForEachAsync(
            chats.SelectMany(c => c.Members.Select((m, i) => (c.ChatId, UserId: m, IsSender: i == 0))),
            new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken },
            async (member, ct) =>
            {
                var client = await run.ConnectAsync(member.UserId, [member.ChatId], ct, receiveOnly: !member.IsSender);
                if (member.IsSender)
                {
                    lock (senders)
                    {
                        senders.Add((client, member.ChatId));
                    }
                }
            });

        try
        {
            var receivers = options.Receivers == "sse" ? ", receivers on events" : "";
            var shape = $"{options.Chats} chats x {options.Members} members{receivers}, {options.Rate:0.#} msg/s per chat, {options.DurationSeconds:0.#} s";
            var result = await run.SendAsync("fanout", shape, "delivered msg/s", senders, throughputIsAcks: false, cancellationToken);
            return options.Receivers == "sse" ? result with { Receivers = "sse" } : result;
        }
        finally
        {
            await run.DisconnectAllAsync();
        }
    }
}
