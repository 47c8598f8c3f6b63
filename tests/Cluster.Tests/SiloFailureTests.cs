using System.Text.Json;
using OrleansChat.TestInfrastructure;

namespace OrleansChat.ClusterTests;

/// <summary>
/// Real processes on loopback with PostgreSQL: two silos (each also serving as a gateway) and a standalone
/// gateway. The silo where the chats were created, and so most likely placed, is killed with SIGKILL in the
/// middle of traffic between users connected to the other two nodes.
/// </summary>
public sealed class SiloFailureTests
{
    private const int Chats = 6;
    private const int MessagesPerChat = 40;
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(60);

    /// <summary>What a send may answer while the cluster recovers: not stored, or outcome unknown.</summary>
    private static readonly string[] RetryableCodes = ["unavailable", "internal"];

    [Fact]
    public async Task Nothing_acknowledged_is_lost_and_sends_resume_when_a_silo_is_killed_under_traffic()
    {
        await using var cluster = await ClusterOfThree.StartAsync(
            "cluster-tests", "RateLimit:SendsPerSecond=10000", "RateLimit:Burst=10000", "RateLimit:FramesPerSecond=100000", "RateLimit:FrameBurst=100000");
        var (first, second, gateway) = (cluster.First, cluster.Second, cluster.Gateway);

        var suffix = Guid.NewGuid().ToString("N")[..8];
        await using var alice = await ChatClient.ConnectAsync("alice-" + suffix, gateway.BaseAddress);
        await using var bob = await ChatClient.ConnectAsync("bob-" + suffix, first.BaseAddress);
        var chatIds = new List<string>();
        await using (var creator = await ChatClient.ConnectAsync(alice.UserId, second.BaseAddress))
        {
            for (var i = 0; i < Chats; i++)
            {
                var chat = await creator.PostAsync("/api/v1/chats", new { title = $"chat {i}", members = new[] { bob.UserId } });
                chatIds.Add(chat.GetProperty("chatId").GetString()!);
            }
        }

        // Bob, on the other gateway, sees alice's messages as they are sent.
        var firstLive = await SendAsync(alice, chatIds[0], "before the failure");
        var live = await bob.NextAsync(f => f.GetProperty("type").GetString() == "message", TimeSpan.FromSeconds(30));
        Assert.Equal(firstLive.MessageId, live.GetProperty("messageId").GetString());

        var acked = new Dictionary<string, Ack> { ["before the failure"] = firstLive };
        DateTime? killedAt = null;
        DateTime? failedAt = null;
        DateTime? recoveredAt = null;
        for (var n = 0; n < Chats * MessagesPerChat; n++)
        {
            if (n == Chats * MessagesPerChat / 4)
            {
                second.Kill();
                killedAt = DateTime.UtcNow;
            }

            var clientMsgId = $"m{n}";
            var ack = await SendUntilAckedAsync(alice, chatIds[n % Chats], clientMsgId, killedAt, () => failedAt ??= DateTime.UtcNow);
            if (failedAt is not null && recoveredAt is null)
            {
                recoveredAt = DateTime.UtcNow;
            }

            acked[clientMsgId] = ack;
        }

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"killed {killedAt:O}; first failure {failedAt?.ToString("O") ?? "none"}; resumed {recoveredAt?.ToString("O") ?? "n/a"}; {acked.Count} acknowledged");
        if (failedAt is not null)
        {
            Assert.True(recoveredAt - killedAt <= Recovery, $"sends failed from {failedAt:O} and resumed at {recoveredAt:O}, more than {Recovery} after the kill at {killedAt:O}");
        }

        // Every acknowledged message is in history exactly once, and bob's sync from zero has no gap and no duplicate.
        foreach (var chatId in chatIds)
        {
            var history = await alice.GetAsync($"/api/v1/chats/{Uri.EscapeDataString(chatId)}/messages?afterSeq=0&limit=500");
            var stored = history.GetProperty("messages").EnumerateArray().ToList();
            Assert.Equal(Enumerable.Range(1, stored.Count).Select(i => (long)i), stored.Select(m => m.GetProperty("seq").GetInt64()));
            var mine = acked.Where(a => a.Value.ChatId == chatId).ToList();
            Assert.Equal(mine.Count, stored.Count);
            foreach (var (clientMsgId, ack) in mine)
            {
                var message = Assert.Single(stored, m => m.GetProperty("clientMsgId").GetString() == clientMsgId);
                Assert.Equal(ack.Seq, message.GetProperty("seq").GetInt64());
                Assert.Equal(ack.MessageId, message.GetProperty("messageId").GetString());
            }

            await bob.SendAsync(new { type = "sync", @ref = "s-" + chatId, chats = new[] { new { chatId, afterSeq = 0L } }, limit = 500 });
            var synced = new List<long>();
            while (true)
            {
                var frame = await bob.NextAsync(f => f.TryGetProperty("ref", out var r) && r.GetString() == "s-" + chatId
                    || (f.GetProperty("type").GetString() == "message" && f.GetProperty("chatId").GetString() == chatId), TimeSpan.FromSeconds(30));
                if (frame.GetProperty("type").GetString() == "synced")
                {
                    break;
                }

                synced.Add(frame.GetProperty("seq").GetInt64());
            }

            // Live frames of this chat may come before the synced ones; the synced ones are exactly the history.
            Assert.Equal(Enumerable.Range(1, stored.Count).Select(i => (long)i), synced.Where(s => s >= 1).TakeLast(stored.Count));
        }
    }

    private static async Task<Ack> SendAsync(ChatClient client, string chatId, string clientMsgId)
    {
        await client.SendAsync(new { type = "send", @ref = clientMsgId, chatId, clientMsgId, content = "hello " + clientMsgId });
        var reply = await client.NextAsync(f => f.TryGetProperty("ref", out var r) && r.GetString() == clientMsgId, TimeSpan.FromSeconds(40));
        Assert.Equal("ack", reply.GetProperty("type").GetString());
        return Ack.From(reply);
    }

    /// <summary>Sends until acknowledged, as a client does: after an error or a silence, the same client message id again.</summary>
    private static async Task<Ack> SendUntilAckedAsync(ChatClient client, string chatId, string clientMsgId, DateTime? killedAt, Action failed)
    {
        for (var attempt = 0; ; attempt++)
        {
            var reference = $"{clientMsgId}#{attempt}";
            await client.SendAsync(new { type = "send", @ref = reference, chatId, clientMsgId, content = "hello " + clientMsgId });
            try
            {
                var reply = await client.NextAsync(f => f.TryGetProperty("ref", out var r) && r.GetString() == reference, TimeSpan.FromSeconds(40));
                if (reply.GetProperty("type").GetString() == "ack")
                {
                    return Ack.From(reply);
                }

                Assert.True(killedAt is not null, $"send failed before any silo was killed: {reply}");
                Assert.Contains(reply.GetProperty("code").GetString(), RetryableCodes);
            }
            catch (OperationCanceledException)
            {
                Assert.True(killedAt is not null, "a send went unanswered before any silo was killed");
            }

            failed();
            await Task.Delay(TimeSpan.FromMilliseconds(250)); // a client's pause before it retries
            Assert.True(DateTime.UtcNow - killedAt < Recovery * 2, $"{clientMsgId} was still not acknowledged {Recovery * 2} after the kill");
        }
    }

    private sealed record Ack(string ChatId, long Seq, string MessageId)
    {
        public static Ack From(JsonElement ack) =>
            new(ack.GetProperty("chatId").GetString()!, ack.GetProperty("seq").GetInt64(), ack.GetProperty("messageId").GetString()!);
    }
}
