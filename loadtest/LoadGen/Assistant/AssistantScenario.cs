using System.Diagnostics;
using System.Text.Json;
using OrleansChat.Client;
using OrleansChat.LoadGen.StandIn;
using OrleansChat.LoadGen.Targets;

namespace OrleansChat.LoadGen.Assistant;

/// <summary>
/// Issue 14's assistant benchmark: N users, each in a chat with the assistant (a direct chat read on two devices, or a
/// group of two users and the assistant with an <c>@assistant</c> mention), send one message each at the same moment, so
/// N jobs stream at once from an OpenAI-compatible stand-in (<c>LoadGen stand-in</c>). First the same request goes
/// straight to the stand-in N times at once: the reference for the time to the first chunk.
/// </summary>
public static class AssistantScenario
{
    private static readonly TimeSpan ChunkGrace = TimeSpan.FromSeconds(5);

    public static async Task<ScenarioResult> RunAsync(LoadOptions options, ITarget target, CancellationToken cancellationToken)
    {
        var chat = target as OrleansChatTarget ?? throw new ArgumentException("--scenario assistant needs --target orleanschat");
        var standIn = options.StandIn ?? throw new ArgumentException("--scenario assistant needs --stand-in http://127.0.0.1:<port>/v1");
        var group = options.AssistantChat == "group";

        // Warm-ups, not measured: the first direct calls open connections, the first jobs JIT the server's whole path.
        await DirectFirstChunkAsync(options, standIn, Math.Max(1, options.WarmupJobs), cancellationToken);
        var direct = await DirectFirstChunkAsync(options, standIn, options.Users, cancellationToken);
        var warmups = await WarmUpAsync(options, chat, cancellationToken);

        var run = new AssistantRun(options.AssistantUserId);
        var (chats, connections) = await PrepareAsync(options, chat, run, "a", options.Users, cancellationToken);
        try
        {
            var startedAt = DateTimeOffset.UtcNow;
            var start = Stopwatch.GetTimestamp();
            await SendAllAndWaitAsync(options, run, chats, connections, cancellationToken);
            var elapsed = run.LastChunkAt > start ? Stopwatch.GetElapsedTime(start, run.LastChunkAt).TotalSeconds : 0;
            run.Checker.Finish();
            var (storedOnce, storedViolations) = await CheckStoredAsync(options, chat, chats, run.Checker.JobIds(), cancellationToken);
            var checker = run.Checker;
            return new ScenarioResult
            {
                Scenario = "assistant",
                Target = target.Name,
                Shape = $"{options.Users} {(group ? "groups of 2 users + assistant, @assistant" : "direct chats with the assistant, 2 devices")}, 1 job each at once, after {warmups} warm-up rounds of {options.WarmupJobs} jobs ({options.WarmupSeconds:0} s)",
                StartedAt = startedAt,
                ThroughputUnit = "chunk frames/s",
                Throughput = checker.Chunks / Math.Max(0.001, elapsed),
                Latency = run.ChunkDelivery.Summary(),
                AckLatency = run.Ack.Summary(),
                Connections = connections.Length,
                Received = checker.Chunks,
                Gaps = checker.Gaps,
                Duplicates = checker.Duplicates,
                Reorderings = checker.Reorderings,
                Errors = run.Errors,
                Violations = [.. checker.Violations, .. storedViolations],
                Assistant = new AssistantFigures
                {
                    Jobs = options.Users,
                    StandIn = options.StandInShape,
                    FirstChunk = run.FirstChunk.Summary(),
                    FirstChunkDirect = direct,
                    ChunkZeroDelivery = run.ChunkZeroDelivery.Summary(),
                    LaterChunkDelivery = run.LaterChunkDelivery.Summary(),
                    Reply = run.Reply.Summary(),
                    StoredOnce = storedOnce,
                    StoredNotOnce = options.Users - storedOnce,
                    MissingReplies = checker.MissingReplies,
                    Mismatches = checker.Mismatches,
                    Restarts = checker.Restarts,
                    Stale = checker.Stale,
                },
            };
        }
        finally
        {
            await DisconnectAsync(connections);
        }
    }

    /// <summary>
    /// Rounds of <see cref="LoadOptions.WarmupJobs"/> jobs at once, on chats of their own, until
    /// <see cref="LoadOptions.WarmupSeconds"/> have passed (one round at least): a server just started compiles its hot
    /// path again and again as tiered JIT promotes it, and one burst right after its start measures that, not the server.
    /// </summary>
    private static async Task<int> WarmUpAsync(LoadOptions options, OrleansChatTarget chat, CancellationToken cancellationToken)
    {
        var rounds = 0;
        var started = Stopwatch.GetTimestamp();
        while (options.WarmupJobs > 0 && (rounds == 0 || Stopwatch.GetElapsedTime(started).TotalSeconds < options.WarmupSeconds))
        {
            var warm = new AssistantRun(options.AssistantUserId);
            var (warmChats, warmConnections) = await PrepareAsync(options, chat, warm, $"w{rounds}-", options.WarmupJobs, cancellationToken);
            try
            {
                await SendAllAndWaitAsync(options, warm, warmChats, warmConnections, cancellationToken);
            }
            finally
            {
                await DisconnectAsync(warmConnections);
            }

            rounds++;
        }

        return rounds;
    }

    /// <summary>Creates <paramref name="count"/> chats with the assistant and connects two connections to each: the sender's (2i) and the second member's or device's (2i + 1).</summary>
    private static async Task<((string ChatId, string Sender)[] Chats, ChatConnection[] Connections)> PrepareAsync(
        LoadOptions options, OrleansChatTarget chat, AssistantRun run, string tag, int count, CancellationToken cancellationToken)
    {
        var group = options.AssistantChat == "group";
        var chats = new (string ChatId, string Sender)[count];
        var connections = new ChatConnection[2 * count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var (a, b) = ($"{options.RunId}-{tag}{i}-a", $"{options.RunId}-{tag}{i}-b");
            var chatId = group
                ? await chat.CreateGroupAsync(a, [a, b, options.AssistantUserId], ct)
                : await chat.CreateDirectAsync(a, options.AssistantUserId, ct);
            chats[i] = (chatId, a);
            connections[2 * i] = await chat.ConnectFramesAsync(a, run.HandlerFor(2 * i, chatId), ct);
            connections[2 * i + 1] = await chat.ConnectFramesAsync(group ? b : a, run.HandlerFor(2 * i + 1, chatId), ct);
        });
        return (chats, connections);
    }

    /// <summary>Every sender sends its one message at once; returns when every reply arrived, or at the timeout.</summary>
    private static async Task SendAllAndWaitAsync(
        LoadOptions options, AssistantRun run, (string ChatId, string Sender)[] chats, ChatConnection[] connections, CancellationToken cancellationToken)
    {
        var group = options.AssistantChat == "group";
        var start = Stopwatch.GetTimestamp();
        await Task.WhenAll(chats.Select((c, i) => SendAsync(run, connections[2 * i], c.ChatId, Prompt(options, i, group), cancellationToken)));
        var deadline = start + (long)(options.ReplyTimeoutSeconds * Stopwatch.Frequency);
        while (!run.Checker.HasAllReplies() && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(20, cancellationToken);
        }

        // The last chunks may come just after their reply; what has not come within the grace is checked as missing.
        var grace = Stopwatch.GetTimestamp() + (long)(ChunkGrace.TotalSeconds * Stopwatch.Frequency);
        while (!run.Checker.ChunksCaughtUp() && Stopwatch.GetTimestamp() < Math.Min(grace, deadline))
        {
            await Task.Delay(20, cancellationToken);
        }
    }

    private static async Task DisconnectAsync(ChatConnection[] connections) =>
        await Parallel.ForEachAsync(connections.Where(c => c is not null), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (c, _) => await c.DisposeAsync());

    private static string Prompt(LoadOptions options, int i, bool group) =>
        group ? $"@{options.AssistantUserId} benchmark question {i}" : $"benchmark question {i}";

    /// <summary>The reference: <paramref name="count"/> of the same requests straight to the stand-in at once, each on a new connection as a provider's first call is.</summary>
    private static async Task<LatencySummary> DirectFirstChunkAsync(LoadOptions options, Uri standIn, int count, CancellationToken cancellationToken)
    {
        var latency = new Latency();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(options.ReplyTimeoutSeconds) };
        await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            var reply = await StandInClient.StreamAsync(http, standIn, options.Model, Prompt(options, i, group: false), cancellationToken);
            latency.Record((long)reply.TimeToFirstDelta.TotalMicroseconds);
        }));
        return latency.Summary();
    }

    private static async Task SendAsync(AssistantRun run, ChatConnection sender, string chatId, string content, CancellationToken cancellationToken)
    {
        try
        {
            run.Sending(chatId);
            var start = Stopwatch.GetTimestamp();
            await sender.SendAsync(chatId, "bench-" + chatId, content, cancellationToken);
            run.Ack.RecordSince(start);
        }
        catch (Exception e) when (e is ChatErrorException or TargetException or IOException or System.Net.WebSockets.WebSocketException)
        {
            run.Error($"send to {chatId} failed: {e.Message}");
        }
    }

    /// <summary>Each chat's history must hold its job's reply exactly once, from the assistant.</summary>
    private static async Task<(int StoredOnce, List<string> Violations)> CheckStoredAsync(
        LoadOptions options, OrleansChatTarget chat, (string ChatId, string Sender)[] chats, IReadOnlyDictionary<string, string> jobIds, CancellationToken cancellationToken)
    {
        var storedOnce = 0;
        var violations = new List<string>();
        await Parallel.ForEachAsync(chats, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (c, ct) =>
        {
            using var history = JsonDocument.Parse(await chat.GetTextAsync(c.Sender, $"api/v1/chats/{Uri.EscapeDataString(c.ChatId)}/messages?limit=500", ct));
            var replies = history.RootElement.GetProperty("messages").EnumerateArray()
                .Where(m => m.TryGetProperty("senderId", out var s) && s.GetString() == options.AssistantUserId)
                .Select(m => m.TryGetProperty("jobId", out var j) ? j.GetString() : null).ToList();
            var expected = jobIds.GetValueOrDefault(c.ChatId);
            var ok = replies.Count == 1 && (expected is null || replies[0] == expected);
            lock (violations)
            {
                storedOnce += ok ? 1 : 0;
                if (!ok && violations.Count < 20)
                {
                    violations.Add($"{c.ChatId} holds {replies.Count} replies from {options.AssistantUserId} (job ids {string.Join(", ", replies)}; chunks said {expected ?? "nothing"})");
                }
            }
        });
        return (storedOnce, violations);
    }
}
