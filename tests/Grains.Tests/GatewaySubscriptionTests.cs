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
        using var leaving = await SubscribedGateway(room);
        using var staying = await SubscribedGateway(room);

        await room.Unsubscribe(leaving.Reference);
        var ack = await Send(room, ownerId, "hello");

        await staying.WaitForChatEventsAsync<MessagePosted>(room.GetPrimaryKeyString(), 1);
        Assert.Equal(ack.Seq, staying.ChatEvents<MessagePosted>(room.GetPrimaryKeyString())[0].Message.Seq);
        Assert.Empty(leaving.ChatEvents<ChatEvent>(room.GetPrimaryKeyString()));
    }
}
