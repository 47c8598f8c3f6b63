namespace OrleansChat.Grains.Tests;

[Collection(SharedChatCluster.Name)]
public sealed class GatewaySubscriptionTests(ChatClusterFixture fixture) : ChatTestBase(fixture)
{
    [Fact]
    public async Task Subscribing_grants_a_lease_of_the_configured_length()
    {
        var room = await NewGroup(NewUserId());
        using var gateway = NewGateway();

        var lease = await room.Subscribe(gateway.Reference);

        Assert.Equal(new ChatOptions().ObserverLease, lease);
    }

    [Fact]
    public async Task A_subscribed_gateway_receives_posted_messages()
    {
        var ownerId = NewUserId();
        var room = await NewGroup(ownerId);
        using var gateway = await SubscribedGateway(room);

        var ack = await Send(room, ownerId, "hello");

        var posted = await gateway.WaitForChatEventsAsync<MessagePosted>(room.GetPrimaryKeyString(), 1);
        Assert.Equal(
            new ChatMessage(room.GetPrimaryKeyString(), ack.Seq, ack.MessageId, ownerId, "hello", ack.SentAt, ack.ClientMsgId),
            Assert.Single(posted).Message);
    }

    [Fact]
    public async Task A_gateway_stays_subscribed_when_the_room_is_deactivated()
    {
        var ownerId = NewUserId();
        var room = await NewGroup(ownerId);
        using var gateway = await SubscribedGateway(room);

        await Fixture.Cluster.DeactivateAsync(room);
        var ack = await Send(room, ownerId, "after reactivation");

        var posted = await gateway.WaitForChatEventsAsync<MessagePosted>(room.GetPrimaryKeyString(), 1);
        Assert.Equal((ack.Seq, ack.MessageId), (Assert.Single(posted).Message.Seq, posted[0].Message.MessageId));
    }

    [Fact]
    public async Task An_unsubscribed_gateway_receives_nothing_more()
    {
        var ownerId = NewUserId();
        var room = await NewGroup(ownerId);
        var chatId = room.GetPrimaryKeyString();
        using var leaving = await SubscribedGateway(room);
        using var staying = await SubscribedGateway(room);
        // The control: while subscribed, the leaving gateway does receive what is posted.
        var before = await Send(room, ownerId, "before");
        var received = await leaving.WaitForChatEventsAsync<MessagePosted>(chatId, 1);
        Assert.Equal(before.Seq, Assert.Single(received).Message.Seq);

        await room.Unsubscribe(leaving.Reference);
        var after = await Send(room, ownerId, "after");

        // The staying gateway's copy of the later message is the marker that it has been published: the room sends
        // every subscriber its copy in one pass, so one to the leaving gateway would have left no later than this one.
        var stayingGot = await staying.WaitForChatEventsAsync<MessagePosted>(chatId, 2);
        Assert.Equal([before.Seq, after.Seq], stayingGot.Select(e => e.Message.Seq).Order());
        Assert.Equal([before.Seq], leaving.ChatEvents<ChatEvent>(chatId).Select(e => e is MessagePosted posted ? posted.Message.Seq : -1));
    }
}

[Collection(SharedFakeClockCluster.Name)]
public sealed class GatewayLeaseExpiryTests(FakeClockClusterFixture fixture) : ChatTestBase(fixture)
{
    private static readonly TimeSpan Lease = new ChatOptions().ObserverLease;

    [Fact]
    public async Task A_gateway_that_does_not_renew_its_lease_receives_nothing_once_it_has_run_out()
    {
        var ownerId = NewUserId();
        var room = await NewGroup(ownerId);
        var chatId = room.GetPrimaryKeyString();
        using var lapsing = await SubscribedGateway(room);
        using var renewing = await SubscribedGateway(room);

        fixture.Clock.Advance(Lease - TimeSpan.FromTicks(1));
        var before = await Send(room, ownerId, "just before the lease runs out");
        // The control: a tick before the end, the lease still holds.
        await lapsing.WaitForChatEventsAsync<MessagePosted>(chatId, 1);
        await room.Subscribe(renewing.Reference);
        fixture.Clock.Advance(TimeSpan.FromTicks(1));
        var after = await Send(room, ownerId, "as the lease runs out");

        // The renewing gateway's copy of the later message is the marker that it has been published: the room sends
        // every live subscriber its copy in one pass, so one to the lapsed gateway would have left no later than this one.
        var renewingGot = await renewing.WaitForChatEventsAsync<MessagePosted>(chatId, 2);
        Assert.Equal([before.Seq, after.Seq], renewingGot.Select(e => e.Message.Seq).Order());
        Assert.Equal([before.Seq], lapsing.ChatEvents<ChatEvent>(chatId).Select(e => e is MessagePosted posted ? posted.Message.Seq : -1));
    }
}
