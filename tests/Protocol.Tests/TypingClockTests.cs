using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace OrleansChat.ProtocolTests;

/// <summary>
/// A server whose gateway and grains, grain timers included (Orleans runs them on the TimeProvider it is given), run
/// on a clock the tests move. It starts at the real time, so the tests' tokens are valid on it.
/// </summary>
public sealed class TypingClockServer : IAsyncLifetime
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public ChatServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        Server = await ChatServer.StartWithAsync(builder => builder.Services.AddSingleton<TimeProvider>(Clock), null);

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>PROTOCOL.md 3.4: when typing stops, by the typer's stop or by itself, measured on the server's clock.</summary>
public sealed class TypingClockTests(TypingClockServer fixture) : IClassFixture<TypingClockServer>
{
    private static readonly TimeSpan TypingTimeout = TimeSpan.FromSeconds(6);

    private ChatServer Server => fixture.Server;

    private FakeTimeProvider Clock => fixture.Clock;

    [Fact]
    public async Task Typing_stop_after_a_start_reaches_the_other_members_at_once()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        await using var aliceSocket = await alice.ConnectAsync();
        await using var bobSocket = await bob.ConnectAsync();
        await aliceSocket.SendAsync(new { type = "typing", chatId, state = "start" });
        await bobSocket.ReceiveAsync("typing", chatId, f => f.Text("state") == "start");

        // A second on, so that the once-a-second rule (PROTOCOL.md 3.4) holds nothing back; from here the clock stands
        // still, five seconds short of the automatic stop, so only the typer's stop can bring one.
        Clock.Advance(ProtocolLimits.TypingChangeInterval);

        await aliceSocket.SendAsync(new { type = "typing", chatId, state = "stop" });

        var typing = await bobSocket.ReceiveAsync("typing", chatId, f => f.Text("state") == "stop");
        Assert.Equal(alice.Id, typing.Text("userId"));
    }

    [Fact]
    public async Task A_typing_start_without_stop_is_followed_by_a_stop_after_6_seconds()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        await using var aliceSocket = await alice.ConnectAsync();
        await using var bobSocket = await bob.ConnectAsync();
        await aliceSocket.SendAsync(new { type = "typing", chatId, state = "start" });
        await bobSocket.ReceiveAsync("typing", chatId, f => f.Text("state") == "start");

        // The room publishes in the order it handles work, and a grain timer is queued on the room as the clock passes
        // it: a message sent after an advance comes after any stop that was due by then.
        Clock.Advance(TypingTimeout - TimeSpan.FromTicks(1));
        await aliceSocket.SendAsync(new { type = "send", chatId, clientMsgId = "before-timeout", content = "just before the timeout" });
        var beforeTimeout = await bobSocket.ReceiveBeforeAsync(f => f.Is("message", chatId));
        Assert.DoesNotContain(beforeTimeout, f => f.Is("typing"));

        Clock.Advance(TimeSpan.FromTicks(1));

        var stop = await bobSocket.ReceiveAsync("typing", chatId, f => f.Text("state") == "stop");
        Assert.Equal(alice.Id, stop.Text("userId"));
    }
}
