using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using OrleansChat.LoadGen.Targets;

namespace OrleansChat.LoadGen.Scenarios;

/// <summary>
/// One reader in <c>--chats</c> groups of 2 or 3 members with 1 to 3 unread texts each (every fourth chat's first one
/// mentions the reader), then <c>GET /me/chats</c> <c>--requests</c> times one after another, warm: the latency of a
/// long chat list with its unread counts (PROTOCOL.md 6.5). Every answer is checked: all the chats, and where it carries
/// <c>unreadCount</c> and <c>mentionCount</c>, the totals the setup wrote (a server without them is measured all the same).
/// </summary>
public static class ChatListScenario
{
    public static async Task<ScenarioResult> RunAsync(LoadOptions options, ITarget target, CancellationToken cancellationToken)
    {
        if (target is not OrleansChatTarget orleansChat)
        {
            throw new ArgumentException("the chatlist scenario runs against orleanschat only: the peers have no chat list");
        }

        var reader = $"{options.RunId}-reader";
        var (unread, mentions) = await SetUpAsync(orleansChat, reader, options.Chats, cancellationToken);
        var check = new ListCheck(options.Chats, unread, mentions);

        // Warm-up: the rooms activate and the code paths compile before anything is measured.
        var warmup = Math.Max(1, options.Requests / 10);
        for (var i = 0; i < warmup; i++)
        {
            check.Check(await orleansChat.GetTextAsync(reader, "api/v1/me/chats", cancellationToken));
        }

        var latency = new Latency();
        var cpuBefore = ServerCpu(options.ServerPid);
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < options.Requests; i++)
        {
            var sent = Stopwatch.GetTimestamp();
            var body = await orleansChat.GetTextAsync(reader, "api/v1/me/chats", cancellationToken);
            latency.RecordSince(sent);
            check.Check(body);
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var counted = check.CountsSeen ? $"{unread} unread, {mentions} mentions" : "no unreadCount in the answers";
        var cpu = ServerCpu(options.ServerPid) - cpuBefore is { } used
            ? string.Create(CultureInfo.InvariantCulture, $", server CPU {used.TotalMilliseconds / options.Requests:0.0} ms per list")
            : "";
        return new ScenarioResult
        {
            Scenario = "chatlist",
            Target = target.Name,
            Shape = $"{options.Chats} chats of 2-3 members, {counted}, {options.Requests} sequential GET /me/chats after {warmup} warm-up{cpu}",
            ThroughputUnit = "lists/s",
            Throughput = options.Requests / Math.Max(0.001, seconds),
            Latency = latency.Summary(),
            Errors = check.Errors,
            Violations = check.Violations,
        };
    }

    /// <summary>
    /// The server's CPU time so far, when its pid is given: on a machine shared with other work the latency says how
    /// long a list waited, the CPU time how much work it was.
    /// </summary>
    private static TimeSpan? ServerCpu(int? pid)
    {
        if (pid is not { } id)
        {
            return null;
        }

        using var process = Process.GetProcessById(id);
        return process.TotalProcessorTime;
    }

    /// <summary>Creates the reader's chats and the others' texts; returns the unread and mention totals the reader should see.</summary>
    private static async Task<(long Unread, long Mentions)> SetUpAsync(OrleansChatTarget target, string reader, int chats, CancellationToken cancellationToken)
    {
        long unread = 0, mentions = 0;
        await Parallel.ForEachAsync(
            Enumerable.Range(0, chats),
            new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                string[] others = i % 2 == 0 ? [$"{reader}-c{i}-a"] : [$"{reader}-c{i}-a", $"{reader}-c{i}-b"];
                var chatId = await target.CreateGroupAsync(reader, [reader, .. others], ct);
                var path = $"api/v1/chats/{Uri.EscapeDataString(chatId)}/messages";
                var texts = 1 + (i % 3);
                for (var t = 0; t < texts; t++)
                {
                    var content = t == 0 && i % 4 == 0 ? $"@{reader} look" : $"text {t}";
                    await target.PostAsync(others[t % others.Length], path, new { clientMsgId = $"c{t}", content }, ct);
                }

                Interlocked.Add(ref unread, texts);
                if (i % 4 == 0)
                {
                    Interlocked.Increment(ref mentions);
                }
            });
        return (unread, mentions);
    }

    /// <summary>What every answer must hold; the first few differences are kept as violations.</summary>
    private sealed class ListCheck(int chats, long unread, long mentions)
    {
        private readonly List<string> _violations = [];

        public long Errors { get; private set; }

        public bool CountsSeen { get; private set; }

        public IReadOnlyList<string> Violations => _violations;

        public void Check(string body)
        {
            using var document = JsonDocument.Parse(body);
            var items = document.RootElement.GetProperty("chats").EnumerateArray().ToList();
            long seenUnread = 0, seenMentions = 0;
            var withCounts = 0;
            foreach (var item in items)
            {
                if (item.TryGetProperty("unreadCount", out var u) && item.TryGetProperty("mentionCount", out var m))
                {
                    withCounts++;
                    seenUnread += u.GetInt64();
                    seenMentions += m.GetInt64();
                }
            }

            CountsSeen |= withCounts > 0;
            var wrong = items.Count != chats
                ? $"{items.Count} chats listed, {chats} expected"
                : withCounts > 0 && (withCounts != chats || seenUnread != unread || seenMentions != mentions)
                    ? $"counts on {withCounts} chats: {seenUnread} unread and {seenMentions} mentions, {unread} and {mentions} expected"
                    : null;
            if (wrong is not null)
            {
                Errors++;
                if (_violations.Count < 10)
                {
                    _violations.Add(wrong);
                }
            }
        }
    }
}
