using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using OrleansChat.TestInfrastructure;

namespace OrleansChat.ClusterTests;

/// <summary>
/// PROTOCOL.md 9 in a cluster of real processes on PostgreSQL (two silos, each also a gateway, and a standalone gateway),
/// with the assistant's provider a stand-in OpenAI-compatible server in the test: a reply streams to members on two
/// gateways and is stored once, also when the silo that was generating it is killed with SIGKILL half way.
/// </summary>
public sealed partial class AssistantClusterTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    // A killed silo is declared dead by membership and its reminders move to the other silo, whose next tick (at most a
    // minute, Orleans' minimum reminder period) resumes the job: about two minutes in all on these machines.
    private static readonly TimeSpan Resume = TimeSpan.FromMinutes(4);

    private static readonly string[] Deltas = [.. Enumerable.Range(0, 12).Select(i => $"part {i} ")];

    [Fact]
    public async Task A_reply_streams_to_members_on_two_gateways_in_order_and_is_stored_once()
    {
        await using var standIn = await StandInOpenAi.StartAsync();
        standIn.DefaultReply = StandInReply.Stream(Deltas) with { DeltaInterval = TimeSpan.FromMilliseconds(20) };
        await using var cluster = await StartClusterAsync("assistant-stream", standIn);

        var suffix = Guid.NewGuid().ToString("N")[..8];
        await using var alice = await ChatClient.ConnectAsync("alice-" + suffix, cluster.Gateway.BaseAddress);
        await using var bob = await ChatClient.ConnectAsync("bob-" + suffix, cluster.First.BaseAddress);
        var chatId = await CreateGroupWithTheAssistantAsync(alice, bob);

        var jobId = await AskAsync(alice, chatId, "@assistant what did we decide?");

        foreach (var member in new[] { alice, bob })
        {
            var (chunks, reply) = await ReadReplyAsync(member, chatId, jobId, Deltas.Length, Wait);
            Assert.Equal(Enumerable.Range(0, Deltas.Length), chunks.Select(c => c.Index));
            Assert.All(chunks, c => Assert.Equal(1, c.Attempt));
            Assert.Equal(string.Concat(Deltas), string.Concat(chunks.Select(c => c.Delta)));
            Assert.Equal(string.Concat(Deltas), reply.GetProperty("content").GetString());
        }

        await AssertStoredOnceAsync(alice, chatId, jobId, string.Concat(Deltas));
        var job = await alice.GetAsync($"/api/v1/jobs/{jobId}");
        Assert.Equal("completed", job.GetProperty("status").GetString());
        Assert.Equal(1, job.GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task A_silo_killed_in_the_middle_of_a_reply_resumes_the_job_on_the_other_silo_and_the_reply_is_stored_once()
    {
        await using var standIn = await StandInOpenAi.StartAsync();
        standIn.Enqueue(StandInReply.Stream(Deltas) with { HangAfter = 4 });
        standIn.DefaultReply = StandInReply.Stream(Deltas);
        await using var cluster = await StartClusterAsync("assistant-kill", standIn);

        var suffix = Guid.NewGuid().ToString("N")[..8];
        await using var alice = await ChatClient.ConnectAsync("alice-" + suffix, cluster.Gateway.BaseAddress);
        var direct = await alice.PostAsync("/api/v1/chats/direct", new { userId = "assistant" });
        var chatId = direct.GetProperty("chatId").GetString()!;
        await alice.NextAsync(f => Is(f, "chat", chatId), Wait);

        var jobId = await AskAsync(alice, chatId, "tell me a long story");
        await standIn.RequestArrived(1).WaitAsync(Wait, TestContext.Current.CancellationToken);
        var streaming = await alice.NextAsync(f => Is(f, "chunk", chatId) && f.GetProperty("index").GetInt32() == 3, Wait);
        Assert.Equal(jobId, streaming.GetProperty("jobId").GetString());

        // The silo whose provider call is hanging runs the job: the one holding the connection to the stand-in.
        var generating = SiloConnectedTo(cluster, new Uri(standIn.Endpoint).Port);
        generating.Kill();

        // Chunks are best effort, and a message stored while the gateway re-subscribes to the room's new activation comes
        // by sync, not live: the job and the chat's history are the truth.
        await standIn.RequestArrived(2).WaitAsync(Resume, TestContext.Current.CancellationToken);
        var job = await JobWhenFinalAsync(alice, jobId, Resume);
        Assert.Equal("completed", job.GetProperty("status").GetString());
        Assert.True(job.GetProperty("attempts").GetInt32() >= 2, job.ToString());
        var reply = await AssertStoredOnceAsync(alice, chatId, jobId, string.Concat(Deltas));
        Assert.Equal(reply.GetProperty("seq").GetInt64(), job.GetProperty("resultSeq").GetInt64());
    }

    /// <summary>The job once it is final, asked over REST (the gateway process outlives the killed silo).</summary>
    private static async Task<JsonElement> JobWhenFinalAsync(ChatClient member, string jobId, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            string seen;
            try
            {
                var job = await member.GetAsync($"/api/v1/jobs/{jobId}");
                if (job.GetProperty("status").GetString() is "completed" or "failed" or "dead_lettered" or "cancelled")
                {
                    return job;
                }

                seen = job.ToString();
            }
            catch (Xunit.Sdk.XunitException unanswered)
            {
                // While the cluster declares the silo dead, a call to the job may answer 503: ask again.
                seen = unanswered.Message;
            }

            Assert.True(DateTime.UtcNow < deadline, $"job {jobId} is still {seen}");
            await Task.Delay(TimeSpan.FromMilliseconds(500), TestContext.Current.CancellationToken);
        }
    }

    private static async Task<string> CreateGroupWithTheAssistantAsync(ChatClient owner, ChatClient other)
    {
        var chat = await owner.PostAsync("/api/v1/chats", new { title = "with the assistant", members = new[] { other.UserId, "assistant" } });
        var chatId = chat.GetProperty("chatId").GetString()!;

        // Each gateway sends the chat's created event once it has subscribed its connection to the chat (and its stream).
        foreach (var member in new[] { owner, other })
        {
            await member.NextAsync(f => Is(f, "chat", chatId), Wait);
        }

        return chatId;
    }

    private static async Task<string> AskAsync(ChatClient asker, string chatId, string content)
    {
        var clientMsgId = "ask-" + Guid.NewGuid().ToString("N")[..8];
        await asker.SendAsync(new { type = "send", chatId, clientMsgId, content });
        var ack = await asker.NextAsync(f => f.GetProperty("type").GetString() is "ack" or "error", Wait);
        Assert.True(ack.TryGetProperty("jobId", out var jobId), ack.ToString());
        return jobId.GetString()!;
    }

    /// <summary>
    /// The chunks of the first attempt (in arrival order) and the stored reply, as one member's connection gets
    /// them: chunks may come after the reply (both are on their way at once), so it reads until it has both.
    /// </summary>
    private static async Task<(List<(int Attempt, int Index, string Delta)> Chunks, JsonElement Reply)> ReadReplyAsync(
        ChatClient member, string chatId, string jobId, int count, TimeSpan timeout)
    {
        var chunks = new List<(int Attempt, int Index, string Delta)>();
        JsonElement? reply = null;
        using var deadline = new CancellationTokenSource(timeout);
        while (reply is null || chunks.Count < count)
        {
            var frame = await member.NextAsync(
                f => (Is(f, "chunk", chatId) && f.GetProperty("jobId").GetString() == jobId && f.GetProperty("attempt").GetInt32() == 1)
                    || (Is(f, "message", chatId) && f.TryGetProperty("jobId", out var id) && id.GetString() == jobId),
                timeout);
            deadline.Token.ThrowIfCancellationRequested();
            if (frame.GetProperty("type").GetString() == "message")
            {
                Assert.Null(reply);
                Assert.Equal("assistant", frame.GetProperty("senderId").GetString());
                reply = frame;
            }
            else
            {
                chunks.Add((frame.GetProperty("attempt").GetInt32(), frame.GetProperty("index").GetInt32(), frame.GetProperty("delta").GetString()!));
            }
        }

        return (chunks, reply.Value);
    }

    private static async Task<JsonElement> AssertStoredOnceAsync(ChatClient member, string chatId, string jobId, string content)
    {
        var history = await member.GetAsync($"/api/v1/chats/{Uri.EscapeDataString(chatId)}/messages?limit=500");
        var replies = history.GetProperty("messages").EnumerateArray()
            .Where(m => m.TryGetProperty("jobId", out var id) && id.GetString() == jobId).ToList();
        var reply = Assert.Single(replies);
        Assert.Equal("assistant", reply.GetProperty("senderId").GetString());
        Assert.Equal(content, reply.GetProperty("content").GetString());
        Assert.False(reply.TryGetProperty("stopped", out _));
        return reply;
    }

    private static bool Is(JsonElement frame, string type, string chatId) =>
        frame.GetProperty("type").GetString() == type && frame.TryGetProperty("chatId", out var id) && id.GetString() == chatId;

    /// <summary>The cluster of three, its assistant with one provider: the stand-in.</summary>
    private static Task<ClusterOfThree> StartClusterAsync(string name, StandInOpenAi standIn) =>
        ClusterOfThree.StartAsync(
            name,
            "Assistant:Providers:0:Kind=OpenAI",
            $"Assistant:Providers:0:Endpoint={standIn.Endpoint}",
            "Assistant:Providers:0:Model=stand-in",
            "Assistant:Providers:0:ApiKey=stand-in-key",
            "Assistant:InitialBackoff=00:00:00.200");

    /// <summary>The silo with an open TCP connection to <paramref name="port"/> on loopback (from <c>ss -tnp</c>).</summary>
    private static ChatProcess SiloConnectedTo(ClusterOfThree cluster, int port)
    {
        using var ss = Process.Start(new ProcessStartInfo("ss", ["-Htnp", "state", "established", "dst", $"127.0.0.1:{port}"])
        {
            RedirectStandardOutput = true,
        })!;
        var output = ss.StandardOutput.ReadToEnd();
        ss.WaitForExit();
        var pids = ProcessIds().Matches(output).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToHashSet();
        return Assert.Single(new[] { cluster.First, cluster.Second }, s => pids.Contains(s.ProcessId));
    }

    [GeneratedRegex(@"pid=(\d+)")]
    private static partial Regex ProcessIds();
}
