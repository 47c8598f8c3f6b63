using System.Net;
using Npgsql;
using OrleansChat.TestInfrastructure;

namespace OrleansChat.ClusterTests;

/// <summary>PostgreSQL becomes unreachable under a running silo, then comes back.</summary>
public sealed class DatabaseOutageTests
{
    [Fact]
    public async Task Sends_fail_with_unavailable_while_the_database_is_unreachable_and_resume_when_it_returns()
    {
        var postgres = await PostgresServer.RequireAsync();
        var direct = new NpgsqlConnectionStringBuilder(await postgres.CreateDatabaseAsync("outage"));
        var address = (await Dns.GetHostAddressesAsync(direct.Host!, TestContext.Current.CancellationToken)).First(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork);
        await using var proxy = new TcpProxy(new IPEndPoint(address, direct.Port));
        var viaProxy = new NpgsqlConnectionStringBuilder(direct.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port, Timeout = 3, CommandTimeout = 5 };

        var directory = ScratchDirectory.Create("outage-tests");
        await using var server = await InProcessChatServer.StartAsync(
            directory,
            "cluster-tests-signing-key-0123456789abcdef",
            [
                $"ConnectionStrings:Postgres={viaProxy.ConnectionString}",
                "Auth:DevTokens=true",
                "Orleans:ClusterId=outage-tests",
                "Orleans:AdvertisedIPAddress=127.0.0.1",
            ]);
        try
        {
            var node = server.BaseAddress;
            using var http = new HttpClient { BaseAddress = node };
            await using var alice = await ChatClient.ConnectAsync("alice-" + Guid.NewGuid().ToString("N")[..8], node);
            var chatId = (await alice.PostAsync("/api/v1/chats", new { title = "outage" })).GetProperty("chatId").GetString()!;
            Assert.Equal("ack", (await SendAsync(alice, chatId, "before")).GetProperty("type").GetString());

            proxy.Cut();
            var failed = await SendAsync(alice, chatId, "during");
            Assert.Equal("error", failed.GetProperty("type").GetString());
            Assert.Equal("unavailable", failed.GetProperty("code").GetString());
            using (var ready = await http.GetAsync(new Uri("/health/ready", UriKind.Relative), TestContext.Current.CancellationToken))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            }

            proxy.Restore();
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            System.Text.Json.JsonElement reply;
            var attempt = 0;
            do
            {
                Assert.True(DateTime.UtcNow < deadline, "sends did not resume within 30 s of the database returning");
                if (attempt > 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(250), TestContext.Current.CancellationToken); // a client's pause before it retries
                }

                reply = await SendAsync(alice, chatId, "after", attempt++);
            }
            while (reply.GetProperty("type").GetString() != "ack");

            // The failed send was not stored: the chat holds exactly the two acknowledged messages, gap-free.
            var history = await alice.GetAsync($"/api/v1/chats/{Uri.EscapeDataString(chatId)}/messages?afterSeq=0");
            Assert.Equal(
                [("before", 1L), ("after", 2L)],
                history.GetProperty("messages").EnumerateArray().Select(m => (m.GetProperty("clientMsgId").GetString(), m.GetProperty("seq").GetInt64())));
        }
        finally
        {
            await server.StopAsync();
            ScratchDirectory.Delete(directory);
        }
    }

    private static async Task<System.Text.Json.JsonElement> SendAsync(ChatClient client, string chatId, string clientMsgId, int attempt = 0)
    {
        var reference = $"{clientMsgId}#{attempt}";
        await client.SendAsync(new { type = "send", @ref = reference, chatId, clientMsgId, content = clientMsgId });
        return await client.NextAsync(f => f.TryGetProperty("ref", out var r) && r.GetString() == reference, TimeSpan.FromSeconds(40));
    }
}
