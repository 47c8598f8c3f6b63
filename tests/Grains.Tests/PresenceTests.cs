namespace OrleansChat.Grains.Tests;

[Collection(SharedChatCluster.Name)]
public sealed class PresenceTests(ChatClusterFixture fixture) : ChatTestBase(fixture)
{
    [Fact]
    public async Task A_user_with_an_open_session_is_online()
    {
        var userId = NewUserId();
        using var gateway = NewGateway();

        var session = await OpenSession(userId, gateway);

        Assert.Equal(PresenceStatus.Online, (await User(userId).GetPresence()).Status);
        await session.Close();
    }

    [Fact]
    public async Task Closing_one_of_two_sessions_keeps_the_user_online()
    {
        var userId = NewUserId();
        using var gateway = NewGateway();
        var first = await OpenSession(userId, gateway);
        var second = await OpenSession(userId, gateway);

        await first.Close();

        Assert.Equal(PresenceStatus.Online, (await User(userId).GetPresence()).Status);
        await second.Close();
    }

    [Fact]
    public async Task A_user_who_never_connected_is_offline_without_last_seen()
    {
        var presence = await User(NewUserId()).GetPresence();

        Assert.Equal((PresenceStatus.Offline, (DateTimeOffset?)null), (presence.Status, presence.LastSeen));
    }

    [Fact]
    public async Task A_watcher_hears_online_and_offline_only_at_the_transitions()
    {
        var userId = NewUserId();
        using var watcher = NewGateway();
        using var gateway = NewGateway();
        await User(userId).WatchPresence(watcher.Reference, WatchLease);

        var first = await OpenSession(userId, gateway);
        var second = await OpenSession(userId, gateway);
        await first.Close();
        await second.Close();

        // One-way notifications may overtake one another (see TestGateway); their versions give the user's order.
        var changes = await watcher.WaitForPresenceChangesAsync(userId, 2);
        Assert.Equal([PresenceStatus.Online, PresenceStatus.Offline], changes.OrderBy(p => p.Version).Select(p => p.Status));
        var offline = Assert.Single(changes, p => p.Status == PresenceStatus.Offline);
        Assert.Equal((await User(userId).GetPresence()).LastSeen, offline.LastSeen);
    }

    [Fact]
    public async Task Watching_presence_returns_the_current_presence()
    {
        var userId = NewUserId();
        using var watcher = NewGateway();
        using var gateway = NewGateway();
        var session = await OpenSession(userId, gateway);

        var presence = await User(userId).WatchPresence(watcher.Reference, WatchLease);

        Assert.Equal((userId, PresenceStatus.Online), (presence.UserId, presence.Status));
        await session.Close();
    }
}

[Collection(SharedFakeClockCluster.Name)]
public sealed class PresenceClockTests(FakeClockClusterFixture fixture) : ChatTestBase(fixture)
{
    [Fact]
    public async Task Closing_the_last_session_makes_the_user_offline_with_last_seen_set()
    {
        var userId = NewUserId();
        using var gateway = NewGateway();
        var first = await OpenSession(userId, gateway);
        var second = await OpenSession(userId, gateway);

        await first.Close();
        fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        var closedAt = fixture.Clock.GetUtcNow();
        await second.Close();
        fixture.Clock.Advance(TimeSpan.FromMinutes(1));

        var presence = await User(userId).GetPresence();
        Assert.Equal(PresenceStatus.Offline, presence.Status);
        Assert.Equal<DateTimeOffset?>(closedAt, presence.LastSeen);
    }

    [Fact]
    public async Task A_session_without_heartbeats_ends_after_two_intervals_and_its_user_goes_offline()
    {
        var userId = NewUserId();
        using var watcher = NewGateway();
        using var gateway = NewGateway();
        // A watch that outlasts the wait, so that the watcher still hears of the end.
        await User(userId).WatchPresence(watcher.Reference, HeartbeatInterval * 4);
        await OpenSession(userId, gateway);
        await watcher.WaitForPresenceChangesAsync(userId, 1);

        fixture.Clock.Advance(HeartbeatInterval * 2);
        var expiredAt = fixture.Clock.GetUtcNow();

        var changes = await watcher.WaitForPresenceChangesAsync(userId, 2);
        Assert.Equal([PresenceStatus.Online, PresenceStatus.Offline], changes.OrderBy(p => p.Version).Select(p => p.Status));
        Assert.Equal<DateTimeOffset?>(expiredAt, changes.Single(p => p.Status == PresenceStatus.Offline).LastSeen);
    }
}
