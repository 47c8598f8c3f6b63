using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OrleansChat.Gateway;

namespace OrleansChat.ProtocolTests;

/// <summary>A server with the default frame limit (50 a second, burst 100) on a clock the tests move.</summary>
public sealed class FrameClockServer : IAsyncLifetime
{
    public FakeTimeProvider Clock { get; } = new();

    public ChatServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        Server = await ChatServer.StartWithAsync(
            builder => builder.Services.AddSingleton(sp => new FrameRateLimiter(sp.GetRequiredService<IOptions<RateLimitOptions>>(), Clock)),
            null);

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>PROTOCOL.md 3.4: every connection's frames are rate-limited as a whole.</summary>
public sealed class FrameRateLimitTests(FrameClockServer fixture) : IClassFixture<FrameClockServer>
{
    private ChatServer Server => fixture.Server;

    [Fact]
    public async Task A_burst_of_150_pings_gets_100_pongs_then_rate_limited_and_pongs_again_after_the_refill()
    {
        await using var socket = await Server.NewUser("alice").ConnectAsync();

        for (var i = 1; i <= 150; i++)
        {
            await socket.SendAsync(new { type = "ping", @ref = $"p{i}" });
        }

        for (var i = 1; i <= 150; i++)
        {
            var reply = await socket.ReceiveAsync();
            if (i <= 100)
            {
                Assert.True(reply.Is("pong") && reply.TextOrNull("ref") == $"p{i}", $"reply {i}: {reply}");
            }
            else
            {
                Expect.Error(reply, "rate_limited", $"p{i}");
                Assert.Equal(20, reply.Number("retryAfterMs"));
            }
        }

        // One second refills 50 frames at the default 50 a second.
        fixture.Clock.Advance(TimeSpan.FromSeconds(1));
        for (var i = 1; i <= 51; i++)
        {
            await socket.SendAsync(new { type = "ping", @ref = $"q{i}" });
        }

        for (var i = 1; i <= 51; i++)
        {
            var reply = await socket.ReceiveAsync();
            Assert.True(i <= 50 ? reply.Is("pong") && reply.TextOrNull("ref") == $"q{i}" : reply.IsError("rate_limited"), $"reply q{i}: {reply}");
        }
    }

    [Fact]
    public async Task Each_connection_has_its_own_frame_limit()
    {
        var alice = Server.NewUser("alice");
        await using var first = await alice.ConnectAsync();
        await using var second = await alice.ConnectAsync();
        for (var i = 1; i <= 101; i++)
        {
            await first.SendAsync(new { type = "ping", @ref = $"p{i}" });
        }

        await first.ReceiveAsync("error", where: f => f.IsError("rate_limited"));

        await second.RoundTripAsync();
    }
}
