using System.Text.Json;
using OrleansChat.TestInfrastructure;

namespace OrleansChat.ClusterTests;

/// <summary>
/// The single-process server restarted on the same data with its clock set an hour back (Debian's <c>faketime</c>):
/// ids of the messages stored after the restart still sort after the earlier ones, in seq order (PROTOCOL.md 1).
/// </summary>
public sealed class ClockBehindRestartTests
{
    private const string FakeTime = "/usr/bin/faketime";
    private const int MessagesPerRun = 30;

    [Fact]
    public async Task Ids_stored_after_a_restart_with_the_clock_an_hour_behind_sort_after_the_earlier_ones()
    {
        if (!File.Exists(FakeTime))
        {
            Assert.Skip($"faketime is not installed at {FakeTime} (apt-get install faketime); this test runs the server with its clock set back.");
        }

        var data = ScratchDirectory.Create("orleanschat-clock-tests");
        try
        {
            var userId = "alice-" + Guid.NewGuid().ToString("N")[..8];
            string chatId;
            await using (var onTime = await StartSiloAsync(data, Launcher.Direct))
            await using (var alice = await ChatClient.ConnectAsync(userId, onTime.BaseAddress))
            {
                chatId = (await alice.PostAsync("/api/v1/chats", new { title = "clock" })).GetProperty("chatId").GetString()!;
                await SendAllAsync(alice, chatId, "on time");
            }

            // Monotonic clocks stay real: only the wall clock, which ids and sentAt come from, is set back.
            var anHourBehind = new Launcher([FakeTime, "-f", "-1h"], new Dictionary<string, string> { ["FAKETIME_DONT_FAKE_MONOTONIC"] = "1" });
            await using var behind = await StartSiloAsync(data, anHourBehind);
            await using var client = await ChatClient.ConnectAsync(userId, behind.BaseAddress);
            await SendAllAsync(client, chatId, "behind");

            var messages = (await client.GetAsync($"/api/v1/chats/{chatId}/messages?afterSeq=0&limit=100")).GetProperty("messages")
                .EnumerateArray().Select(m => (Seq: m.GetProperty("seq").GetInt64(), Id: m.GetProperty("messageId").GetString()!, SentAt: m.GetProperty("sentAt").GetDateTimeOffset()))
                .ToList();
            Assert.Equal(Enumerable.Range(1, 2 * MessagesPerRun).Select(i => (long)i), messages.Select(m => m.Seq));
            Assert.True(messages[^1].SentAt < messages[0].SentAt - TimeSpan.FromMinutes(59), "the second run's clock was an hour behind");
            Assert.Equal(messages.Select(m => m.Id).Order(StringComparer.Ordinal), messages.Select(m => m.Id));
        }
        finally
        {
            ScratchDirectory.Delete(data);
        }
    }

    private static async Task<ChatProcess> StartSiloAsync(string data, Launcher launcher)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        return await ChatProcess.StartReadyAsync(
            "silo",
            "Silo",
            "OrleansChat.Silo",
            () =>
            [
                $"Storage:DataDirectory={data}",
                "Auth:SigningKey=clock-tests-signing-key-0123456789abcdef",
                "Auth:DevTokens=true",
                "Logging:LogLevel:Default=Warning",
                $"Orleans:SiloPort={LoopbackPorts.Free()}",
                $"Orleans:GatewayPort={LoopbackPorts.Free()}",
            ],
            http,
            TimeSpan.FromSeconds(90),
            launcher);
    }

    /// <summary>Sends back to back, so that many messages share a batch and a millisecond, then waits for every ack.</summary>
    private static async Task SendAllAsync(ChatClient client, string chatId, string label)
    {
        for (var i = 0; i < MessagesPerRun; i++)
        {
            await client.SendAsync(new { type = "send", @ref = $"{label} {i}", chatId, clientMsgId = $"{label} {i}", content = $"{label} {i}" });
        }

        for (var i = 0; i < MessagesPerRun; i++)
        {
            var reply = await client.NextAsync(f => f.TryGetProperty("ref", out var r) && r.GetString() == $"{label} {i}", TimeSpan.FromSeconds(30));
            Assert.Equal("ack", reply.GetProperty("type").GetString());
        }
    }
}
