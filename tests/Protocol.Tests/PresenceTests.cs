using Microsoft.Extensions.DependencyInjection;

namespace OrleansChat.ProtocolTests;

[Collection(SharedServer.Name)]
public sealed class PresenceTests(ChatServerFixture fixture)
{
    private ChatServer Server => fixture.Server;

    [Fact]
    public async Task Watching_a_user_who_never_connected_reports_offline_with_no_last_seen()
    {
        var bob = Server.NewUser("bob");
        await using var socket = await Server.NewUser("alice").ConnectAsync();

        await socket.SendAsync(new { type = "watch_presence", userIds = new[] { bob.Id } });

        var presence = await socket.ReceiveAsync("presence", where: f => f.Text("userId") == bob.Id);
        Assert.Equal("offline", presence.Text("status"));
        Assert.True(presence.IsNull("lastSeen"), $"got {presence}");
    }

    [Fact]
    public async Task Watching_the_assistant_reports_it_online_though_it_never_connects()
    {
        await using var socket = await Server.NewUser("alice").ConnectAsync();

        await socket.SendAsync(new { type = "watch_presence", userIds = new[] { "assistant" } });

        var presence = await socket.ReceiveAsync("presence", where: f => f.Text("userId") == "assistant");
        Assert.Equal("online", presence.Text("status"));
    }

    [Fact]
    public async Task Watching_a_connected_user_reports_online()
    {
        var bob = Server.NewUser("bob");
        await using var bobSocket = await bob.ConnectAsync();
        await using var socket = await Server.NewUser("alice").ConnectAsync();

        await socket.SendAsync(new { type = "watch_presence", userIds = new[] { bob.Id } });

        var presence = await socket.ReceiveAsync("presence", where: f => f.Text("userId") == bob.Id);
        Assert.Equal("online", presence.Text("status"));
    }

    [Fact]
    public async Task Every_one_of_many_users_watching_one_user_at_the_same_moment_gets_their_current_status()
    {
        // Watches of one user from one gateway share a subscription; the first joiner's answer and the later joiners'
        // fresh reads race, and a read that lost the race used to be dropped instead of answered.
        for (var round = 0; round < 5; round++)
        {
            var bob = Server.NewUser("bob");
            await using var bobSocket = await bob.ConnectAsync();
            var watchers = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Server.NewUser("watcher").ConnectAsync()));
            try
            {
                await Task.WhenAll(watchers.Select(w => w.SendAsync(new { type = "watch_presence", userIds = new[] { bob.Id } })));

                var seen = await Task.WhenAll(watchers.Select(w => w.ReceiveAsync("presence", where: f => f.Text("userId") == bob.Id)));

                Assert.All(seen, presence => Assert.Equal("online", presence.Text("status")));
            }
            finally
            {
                await Task.WhenAll(watchers.Select(w => w.DisposeAsync().AsTask()));
            }
        }
    }

    [Fact]
    public async Task Watching_several_users_reports_each_ones_current_status()
    {
        var (bob, carol) = (Server.NewUser("bob"), Server.NewUser("carol"));
        await using var carolSocket = await carol.ConnectAsync();
        await using var socket = await Server.NewUser("alice").ConnectAsync();

        await socket.SendAsync(new { type = "watch_presence", userIds = new[] { bob.Id, carol.Id } });

        Assert.Equal("offline", (await socket.ReceiveAsync("presence", where: f => f.Text("userId") == bob.Id)).Text("status"));
        Assert.Equal("online", (await socket.ReceiveAsync("presence", where: f => f.Text("userId") == carol.Id)).Text("status"));
    }

    [Fact]
    public async Task A_watcher_sees_online_when_the_first_device_connects()
    {
        var bob = Server.NewUser("bob");
        await using var socket = await Server.NewUser("alice").ConnectAsync();
        await socket.SendAsync(new { type = "watch_presence", userIds = new[] { bob.Id } });
        await socket.ReceiveAsync("presence", where: f => f.Text("userId") == bob.Id);

        await using var bobSocket = await bob.ConnectAsync();

        var presence = await socket.ReceiveAsync("presence", where: f => f.Text("userId") == bob.Id);
        Assert.Equal("online", presence.Text("status"));
    }

    [Fact]
    public async Task A_watcher_sees_offline_only_when_the_last_device_disconnects()
    {
        var bob = Server.NewUser("bob");
        var bobLaptop = await bob.ConnectAsync();
        var bobPhone = await bob.ConnectAsync();
        await using var socket = await Server.NewUser("alice").ConnectAsync();
        await socket.SendAsync(new { type = "watch_presence", userIds = new[] { bob.Id } });
        Assert.Equal("online", (await socket.ReceiveAsync("presence", where: f => f.Text("userId") == bob.Id)).Text("status"));

        var laptopSession = bobLaptop.Welcome.Text("sessionId");
        await bobLaptop.DisposeAsync();
        // The server-side marker that bob's user has heard of the laptop's end: a session handles one call at a time,
        // so this close returns only after the gateway's close of it (or this one, if it came first) told the user.
        await Server.Services.GetRequiredService<IGrainFactory>().GetGrain<ISessionGrain>(laptopSession).Close();
        // Asked after that, bob's user answers his current presence, which must still be online. An offline it told
        // watchers at the laptop's end left before this answer, so it would come first and fail this as well.
        await socket.SendAsync(new { type = "watch_presence", userIds = new[] { bob.Id } });
        var current = await socket.ReceiveAsync("presence", where: f => f.Text("userId") == bob.Id);
        Assert.Equal("online", current.Text("status"));
        await bobPhone.DisposeAsync();

        var presence = await socket.ReceiveAsync("presence", where: f => f.Text("userId") == bob.Id);
        Assert.Equal("offline", presence.Text("status"));
        Expect.IsoUtcMillis(presence.Text("lastSeen"));
    }

    [Fact]
    public async Task The_other_member_of_a_direct_chat_gets_presence_without_watching()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        await alice.OpenDirectChatAsync(bob);
        await using var aliceSocket = await alice.ConnectAsync();

        await using var bobSocket = await bob.ConnectAsync();

        var presence = await aliceSocket.ReceiveAsync("presence", where: f => f.Text("userId") == bob.Id);
        Assert.Equal("online", presence.Text("status"));
    }

    [Fact]
    public async Task Watching_more_than_500_users_gets_an_error()
    {
        await using var socket = await Server.NewUser("alice").ConnectAsync();

        await socket.SendAsync(new { type = "watch_presence", @ref = "w1", userIds = Enumerable.Range(0, 501).Select(i => $"user{i}").ToArray() });

        var error = await socket.ReceiveAsync();
        Assert.True(error.IsError("bad_request") || error.IsError("too_large"), $"got {error}");
        Assert.Equal("w1", error.TextOrNull("ref"));
    }

    [Fact]
    public async Task Watch_presence_without_user_ids_gets_bad_request()
    {
        await using var socket = await Server.NewUser("alice").ConnectAsync();

        await socket.SendAsync(new { type = "watch_presence", @ref = "w1" });

        Expect.Error(await socket.ReceiveAsync(), "bad_request", "w1");
    }
}
