namespace OrleansChat.ProtocolTests;

/// <summary>A server whose connections may watch 2 distinct users each.</summary>
public sealed class WatchLimitedServer : IAsyncLifetime
{
    public ChatServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        Server = await ChatServer.StartAsync(null, "Gateway:MaxWatchedUsersPerConnection=2");

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}

public sealed class WatchLimitTests(WatchLimitedServer fixture) : IClassFixture<WatchLimitedServer>
{
    private ChatServer Server => fixture.Server;

    [Fact]
    public async Task Watching_more_distinct_users_than_a_connection_may_gets_too_large_and_watches_none_of_them()
    {
        var (bob, carol, dave, erin) = (Server.NewUser("bob"), Server.NewUser("carol"), Server.NewUser("dave"), Server.NewUser("erin"));
        await using var socket = await Server.NewUser("alice").ConnectAsync();
        await socket.SendAsync(new { type = "watch_presence", @ref = "w1", userIds = new[] { bob.Id, carol.Id } });
        await socket.ReceiveAsync("presence", where: f => f.Text("userId") == bob.Id);
        await socket.ReceiveAsync("presence", where: f => f.Text("userId") == carol.Id);

        await socket.SendAsync(new { type = "watch_presence", @ref = "w2", userIds = new[] { dave.Id, erin.Id } });

        Expect.Error(await socket.ReceiveAsync(), "too_large", "w2");
        await socket.AssertNothingAsync(f => f.Is("presence"), "presence of users over the limit");
        await using var daveSocket = await dave.ConnectAsync();
        await using var bobSocket = await bob.ConnectAsync();
        var before = await socket.ReceiveBeforeAsync(f => f.Is("presence") && f.Text("userId") == bob.Id && f.Text("status") == "online");
        await socket.AssertNothingAsync(f => f.Is("presence") && f.Text("userId") == dave.Id, "presence of dave after bob's");
        Assert.DoesNotContain(before, f => f.Is("presence") && f.Text("userId") == dave.Id);
    }

    [Fact]
    public async Task Watching_an_already_watched_user_again_does_not_count_against_the_limit()
    {
        var (bob, carol) = (Server.NewUser("bob"), Server.NewUser("carol"));
        await using var socket = await Server.NewUser("alice").ConnectAsync();
        await socket.SendAsync(new { type = "watch_presence", @ref = "w1", userIds = new[] { bob.Id, carol.Id } });
        await socket.ReceiveAsync("presence", where: f => f.Text("userId") == bob.Id);
        await socket.ReceiveAsync("presence", where: f => f.Text("userId") == carol.Id);

        await socket.SendAsync(new { type = "watch_presence", @ref = "w2", userIds = new[] { carol.Id, bob.Id, carol.Id } });

        await socket.ReceiveAsync("presence", where: f => f.Text("userId") == bob.Id);
        await socket.ReceiveAsync("presence", where: f => f.Text("userId") == carol.Id);
        await socket.AssertNothingAsync(f => f.Is("error"), "error for users already watched");
    }

    [Fact]
    public async Task Each_connection_has_a_limit_of_its_own()
    {
        var (bob, carol, dave) = (Server.NewUser("bob"), Server.NewUser("carol"), Server.NewUser("dave"));
        var alice = Server.NewUser("alice");
        await using var laptop = await alice.ConnectAsync();
        await laptop.SendAsync(new { type = "watch_presence", @ref = "w1", userIds = new[] { bob.Id, carol.Id } });
        await laptop.ReceiveAsync("presence", where: f => f.Text("userId") == carol.Id);
        await using var phone = await alice.ConnectAsync();

        await phone.SendAsync(new { type = "watch_presence", @ref = "w1", userIds = new[] { dave.Id } });

        Assert.Equal("offline", (await phone.ReceiveAsync("presence", where: f => f.Text("userId") == dave.Id)).Text("status"));
    }
}
