namespace OrleansChat.Grains.Tests;

[Collection(SharedChatCluster.Name)]
public sealed class IdempotencyTests(ChatClusterFixture fixture) : ChatTestBase(fixture)
{
    [Fact]
    public async Task Sending_the_same_client_message_id_twice_returns_the_first_ack()
    {
        var (ownerId, room) = await NewChat();
        var command = new SendCommand(ownerId, NewClientMsgId(), "hello");

        var first = await room.Send(command);
        var repeat = await room.Send(command);

        Assert.Equal(first, repeat);
    }

    [Fact]
    public async Task Sending_the_same_client_message_id_twice_stores_one_message()
    {
        var (ownerId, room) = await NewChat();
        var command = new SendCommand(ownerId, NewClientMsgId(), "hello");

        var first = await room.Send(command);
        await room.Send(command);

        var stored = Assert.Single(await AllMessages(room, ownerId));
        Assert.Equal((first.Seq, first.MessageId, command.ClientMsgId), (stored.Seq, stored.MessageId, stored.ClientMsgId));
    }

    [Fact]
    public async Task Sending_the_same_client_message_id_twice_publishes_one_event()
    {
        var (ownerId, room) = await NewChat();
        using var gateway = await SubscribedGateway(room);
        var command = new SendCommand(ownerId, NewClientMsgId(), "hello");

        await room.Send(command);
        await room.Send(command);
        var marker = await Send(room, ownerId, "marker");

        // Once the message's and a later marker's events are in, a repeat's event would be in as well.
        var posted = await gateway.WaitForChatEventsAsync<MessagePosted>(room.GetPrimaryKeyString(), p => p.Count >= 2);
        Assert.Equal([command.ClientMsgId, marker.ClientMsgId], posted.OrderBy(p => p.Message.Seq).Select(p => p.Message.ClientMsgId));
    }

    [Fact]
    public async Task Concurrent_sends_of_one_client_message_id_return_one_ack()
    {
        var (ownerId, room) = await NewChat();
        var command = new SendCommand(ownerId, NewClientMsgId(), "hello");

        var acks = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => room.Send(command)));

        Assert.Single(acks.Distinct());
        Assert.Equal(1, acks[0].Seq);
    }

    [Fact]
    public async Task Concurrent_sends_of_one_client_message_id_store_one_message()
    {
        var (ownerId, room) = await NewChat();
        var command = new SendCommand(ownerId, NewClientMsgId(), "hello");

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => room.Send(command)));

        var stored = Assert.Single(await AllMessages(room, ownerId));
        Assert.Equal(command.ClientMsgId, stored.ClientMsgId);
    }

    [Fact]
    public async Task Concurrent_sends_of_one_client_message_id_publish_one_event()
    {
        var (ownerId, room) = await NewChat();
        using var gateway = await SubscribedGateway(room);
        var command = new SendCommand(ownerId, NewClientMsgId(), "hello");

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => room.Send(command)));
        var marker = await Send(room, ownerId, "marker");

        var posted = await gateway.WaitForChatEventsAsync<MessagePosted>(room.GetPrimaryKeyString(), p => p.Count >= 2);
        Assert.Equal([command.ClientMsgId, marker.ClientMsgId], posted.OrderBy(p => p.Message.Seq).Select(p => p.Message.ClientMsgId));
    }

    [Fact]
    public async Task The_same_client_message_id_from_another_sender_is_another_message()
    {
        var memberId = NewUserId();
        var (ownerId, room) = await NewChat(memberId);
        var clientMsgId = NewClientMsgId();

        var fromOwner = await room.Send(new SendCommand(ownerId, clientMsgId, "hello"));
        var fromMember = await room.Send(new SendCommand(memberId, clientMsgId, "hello"));

        Assert.Equal((1L, 2L), (fromOwner.Seq, fromMember.Seq));
        Assert.NotEqual(fromOwner.MessageId, fromMember.MessageId);
        Assert.Equal([ownerId, memberId], (await AllMessages(room, ownerId)).Select(m => m.SenderId));
    }

    [Fact]
    public async Task A_repeat_after_the_room_was_deactivated_returns_the_first_ack_from_the_store()
    {
        var (ownerId, room) = await NewChat();
        var command = new SendCommand(ownerId, NewClientMsgId(), "hello");
        var first = await room.Send(command);
        await Send(room, ownerId, "later");

        await Fixture.Cluster.DeactivateAsync(room);
        var repeat = await room.Send(command);

        Assert.Equal(first, repeat);
        Assert.Equal([1L, 2L], (await AllMessages(room, ownerId)).Select(m => m.Seq));
    }

    [Fact]
    public async Task After_a_repeat_in_a_reactivated_room_the_next_message_continues_at_the_last_seq_plus_one()
    {
        var (ownerId, room) = await NewChat();
        var command = new SendCommand(ownerId, NewClientMsgId(), "hello");
        await room.Send(command);
        await Send(room, ownerId, "later");

        await Fixture.Cluster.DeactivateAsync(room);
        await room.Send(command);
        var next = await Send(room, ownerId, "new");

        Assert.Equal(3, next.Seq);
        Assert.Equal([1L, 2L, 3L], (await AllMessages(room, ownerId)).Select(m => m.Seq));
    }

    private async Task<(string OwnerId, IChatRoomGrain Room)> NewChat(params string[] memberIds)
    {
        var ownerId = NewUserId();
        return (ownerId, await NewGroup(ownerId, memberIds));
    }
}
