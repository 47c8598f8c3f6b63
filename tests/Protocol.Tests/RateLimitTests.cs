using System.Net;

namespace OrleansChat.ProtocolTests;

/// <summary>A server allowing each user a burst of 2 sends, then 1 per second.</summary>
public sealed class RateLimitedServer : IAsyncLifetime
{
    public ChatServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        Server = await ChatServer.StartAsync(null, "RateLimit:SendsPerSecond=1", "RateLimit:Burst=2");

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}

public sealed class RateLimitTests(RateLimitedServer fixture) : IClassFixture<RateLimitedServer>
{
    private ChatServer Server => fixture.Server;

    [Fact]
    public async Task A_send_over_the_limit_gets_rate_limited_with_retry_after_ms()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();
        await using var socket = await alice.ConnectAsync();

        for (var i = 1; i <= 3; i++)
        {
            await socket.SendAsync(new { type = "send", @ref = $"r{i}", chatId, clientMsgId = $"k{i}", content = $"m{i}" });
        }

        var error = await socket.ReceiveAsync("error", where: f => f.TextOrNull("ref") == "r3");
        Expect.Error(error, "rate_limited", "r3");
        Assert.InRange(error.Number("retryAfterMs"), 1, 2000);
        await socket.ReceiveAsync("ack", where: f => f.Text("ref") == "r1");
        await socket.ReceiveAsync("ack", where: f => f.Text("ref") == "r2");
    }

    [Fact]
    public async Task A_rate_limited_send_is_not_stored()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();
        await using var socket = await alice.ConnectAsync();
        for (var i = 1; i <= 3; i++)
        {
            await socket.SendAsync(new { type = "send", @ref = $"r{i}", chatId, clientMsgId = $"k{i}", content = $"m{i}" });
        }
        await socket.ReceiveAsync("error", where: f => f.IsError("rate_limited"));
        await socket.RoundTripAsync();

        var page = await alice.GetMessagesAsync(chatId);

        Assert.Equal(["k1", "k2"], page.Items("messages").Select(m => m.Text("clientMsgId")));
    }

    [Fact]
    public async Task A_rest_post_over_the_limit_answers_429_with_retry_after()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();
        await alice.PostMessageAsync(chatId, "one");
        await alice.PostMessageAsync(chatId, "two");

        using var response = await alice.PostAsync($"chats/{chatId}/messages", new { clientMsgId = "k3", content = "three" });

        await Expect.ProblemAsync(response, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task The_limit_is_per_user()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        await alice.PostMessageAsync(chatId, "one");
        await alice.PostMessageAsync(chatId, "two");

        var ack = await bob.PostMessageAsync(chatId, "bob is not limited by alice");

        Assert.Equal(3, ack.Number("seq"));
    }
}
