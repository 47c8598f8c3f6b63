namespace OrleansChat.Grains.Tests;

[Collection(SharedChatCluster.Name)]
public sealed class TypingTests(ChatClusterFixture fixture) : ChatTestBase(fixture)
{
    [Fact]
    public async Task Starting_to_type_publishes_typing_true()
    {
        var userId = NewUserId();
        var room = await NewGroup(userId);
        using var gateway = await SubscribedGateway(room);

        await room.SetTyping(userId, true);

        var changes = await gateway.WaitForChatEventsAsync<TypingChanged>(room.GetPrimaryKeyString(), 1);
        var change = Assert.Single(changes);
        Assert.Equal((room.GetPrimaryKeyString(), userId, true), (change.ChatId, change.UserId, change.Typing));
    }

    [Fact]
    public async Task Stopping_to_type_publishes_typing_false()
    {
        var userId = NewUserId();
        var room = await NewGroup(userId);
        using var gateway = await SubscribedGateway(room);

        await room.SetTyping(userId, true);
        await room.SetTyping(userId, false);

        // One-way notifications may overtake one another (see TestGateway); their versions give the room's order.
        var changes = await gateway.WaitForChatEventsAsync<TypingChanged>(room.GetPrimaryKeyString(), 2);
        Assert.Equal([true, false], changes.OrderBy(c => c.Version).Select(c => c.Typing));
    }

    [Fact]
    public async Task Starting_to_type_again_while_typing_publishes_nothing_more()
    {
        var userId = NewUserId();
        var room = await NewGroup(userId);
        using var gateway = await SubscribedGateway(room);

        await room.SetTyping(userId, true);
        await room.SetTyping(userId, true);
        await room.SetTyping(userId, false);

        // One-way notifications may overtake one another (see TestGateway); their versions give the room's order.
        var changes = await gateway.WaitForChatEventsAsync<TypingChanged>(room.GetPrimaryKeyString(), 2);
        Assert.Equal([true, false], changes.OrderBy(c => c.Version).Select(c => c.Typing));
    }
}

[Collection(SharedShortTypingTimeoutCluster.Name)]
public sealed class TypingTimeoutTests(ShortTypingTimeoutClusterFixture fixture) : ChatTestBase(fixture)
{
    [Fact]
    public async Task Typing_without_a_stop_ends_by_itself_after_the_timeout()
    {
        var userId = NewUserId();
        var room = await NewGroup(userId);
        using var gateway = await SubscribedGateway(room);
        var started = TimeProvider.System.GetTimestamp();

        await room.SetTyping(userId, true);

        var changes = await gateway.WaitForChatEventsAsync<TypingChanged>(room.GetPrimaryKeyString(), 2);
        Assert.Equal([(userId, true), (userId, false)], changes.Select(c => (c.UserId, c.Typing)));
        Assert.True(
            TimeProvider.System.GetElapsedTime(started) >= ShortTypingTimeoutClusterFixture.TypingTimeout,
            "typing ended before the timeout");
    }
}
