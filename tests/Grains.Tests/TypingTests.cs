using Microsoft.Extensions.Time.Testing;

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

        await gateway.WaitForChatEventsAsync<TypingChanged>(room.GetPrimaryKeyString(), 2);
        Assert.Equal([true, false], await TypingAfterMarker(room, userId, gateway));
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

        await gateway.WaitForChatEventsAsync<TypingChanged>(room.GetPrimaryKeyString(), 2);
        Assert.Equal([true, false], await TypingAfterMarker(room, userId, gateway));
    }

    /// <summary>
    /// The typing states the gateway holds once a message posted now has reached it, in the room's order. The room
    /// publishes in the order it handles calls, so a change published before the message (a duplicate start, say) left
    /// before it. One-way notifications may still overtake one another (see TestGateway), so this narrows the window
    /// for a late duplicate rather than closing it; TypingCoalescingTests proves the exact changes on a fake clock.
    /// </summary>
    private static async Task<IEnumerable<bool>> TypingAfterMarker(IChatRoomGrain room, string userId, TestGateway gateway)
    {
        var chatId = room.GetPrimaryKeyString();
        await Send(room, userId, "marker");
        await gateway.WaitForChatEventsAsync<MessagePosted>(chatId, 1);
        return gateway.ChatEvents<TypingChanged>(chatId).OrderBy(c => c.Version).Select(c => c.Typing);
    }
}

[Collection(SharedFakeClockCluster.Name)]
public sealed class TypingTimeoutTests(FakeClockClusterFixture fixture) : ChatTestBase(fixture)
{
    private FakeTimeProvider Clock => fixture.Clock;

    [Fact]
    public async Task Typing_without_a_stop_ends_by_itself_after_the_timeout()
    {
        var userId = NewUserId();
        var room = await NewGroup(userId);
        var chatId = room.GetPrimaryKeyString();
        using var gateway = await SubscribedGateway(room);

        await room.SetTyping(userId, true);
        await gateway.WaitForChatEventsAsync<TypingChanged>(chatId, 1);

        // A grain timer due on the fake clock is queued on its activation as the clock passes it, so a message sent
        // after the advance is handled, and published, after any stop that was due.
        Clock.Advance(FakeClockClusterFixture.TypingTimeout - TimeSpan.FromTicks(1));
        await Send(room, userId, "just before the timeout");
        await gateway.WaitForChatEventsAsync<MessagePosted>(chatId, 1);
        Assert.Equal([(userId, true)], gateway.ChatEvents<TypingChanged>(chatId).Select(c => (c.UserId, c.Typing)));

        Clock.Advance(TimeSpan.FromTicks(1));

        var changes = await gateway.WaitForChatEventsAsync<TypingChanged>(chatId, 2);
        Assert.Equal([(userId, true), (userId, false)], changes.OrderBy(c => c.Version).Select(c => (c.UserId, c.Typing)));
    }
}
