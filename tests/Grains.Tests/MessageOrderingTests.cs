namespace OrleansChat.Grains.Tests;

[Collection(SharedChatCluster.Name)]
public sealed class MessageOrderingTests(ChatClusterFixture fixture) : ChatTestBase(fixture)
{
    private const int SendersCount = 4;
    private const int MessagesPerSender = 30;
    private const int MessageCount = SendersCount * MessagesPerSender;

    private static readonly long[] AllSeqs = [.. Enumerable.Range(1, MessageCount).Select(i => (long)i)];

    [Fact]
    public async Task Concurrent_senders_get_distinct_seqs_one_to_n()
    {
        var (_, _, acks) = await SendConcurrently();

        Assert.Equal(AllSeqs, acks.Select(a => a.Seq).Order());
    }

    [Fact]
    public async Task Concurrent_senders_get_distinct_message_ids()
    {
        var (_, _, acks) = await SendConcurrently();

        Assert.Equal(MessageCount, acks.Select(a => a.MessageId).Distinct().Count());
    }

    [Fact]
    public async Task A_subscribed_gateway_sees_every_message_of_concurrent_senders_once()
    {
        using var gateway = NewGateway();
        var (room, _, acks) = await SendConcurrently(gateway);

        var posted = await gateway.WaitForChatEventsAsync<MessagePosted>(room.GetPrimaryKeyString(), MessageCount);

        Assert.Equal(AllSeqs, posted.Select(p => p.Message.Seq).Order());
        Assert.Equal(
            acks.OrderBy(a => a.Seq).Select(a => (a.Seq, a.MessageId, a.SentAt)),
            posted.OrderBy(p => p.Message.Seq).Select(p => (p.Message.Seq, p.Message.MessageId, p.Message.SentAt)));
    }

    [Fact]
    public async Task History_returns_concurrent_messages_in_seq_order_as_acked()
    {
        var (room, ownerId, acks) = await SendConcurrently();

        var history = await AllMessages(room, ownerId);

        Assert.Equal(AllSeqs, history.Select(m => m.Seq));
        Assert.Equal(
            acks.OrderBy(a => a.Seq).Select(a => (a.Seq, a.MessageId, a.SentAt, a.ClientMsgId)),
            history.Select(m => (m.Seq, m.MessageId, m.SentAt, m.ClientMsgId)));
    }

    /// <summary>A group of several senders who all send at once, not awaiting one another; the subscriber subscribes first.</summary>
    private async Task<(IChatRoomGrain Room, string OwnerId, SendResult[] Acks)> SendConcurrently(TestGateway? subscriber = null)
    {
        var senders = Enumerable.Range(0, SendersCount).Select(_ => NewUserId()).ToArray();
        var room = await NewGroup(senders[0], senders[1..]);
        if (subscriber is not null)
        {
            await room.Subscribe(subscriber.Reference);
        }

        var sends = Enumerable.Range(0, MessageCount)
            .Select(i => room.Send(new SendCommand(senders[i % SendersCount], $"m-{i}", $"message {i}")))
            .ToList();
        var acks = await Task.WhenAll(sends);
        return (room, senders[0], acks);
    }
}

[Collection(SharedChatCluster.Name)]
public sealed class SendBatchTests(ChatClusterFixture fixture) : ChatTestBase(fixture)
{
    [Fact]
    public async Task A_batch_is_stored_in_the_order_given_with_one_outcome_per_send()
    {
        var (owner, member) = (NewUserId(), NewUserId());
        var room = await NewGroup(owner, member);
        using var gateway = await SubscribedGateway(room);

        var outcomes = await room.SendBatch([.. Enumerable.Range(1, 50).Select(i => new SendCommand(i % 2 == 0 ? owner : member, $"k{i}", $"m{i}"))]);

        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), outcomes.Select(o => o.Ack!.Seq));
        Assert.Equal(Enumerable.Range(1, 50).Select(i => $"k{i}"), outcomes.Select(o => o.Ack!.ClientMsgId));
        var history = await AllMessages(room, owner);
        Assert.Equal(Enumerable.Range(1, 50).Select(i => $"m{i}"), history.Select(m => m.Content));
        var posted = await gateway.WaitForChatEventsAsync<MessagePosted>(room.GetPrimaryKeyString(), 50);
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), posted.Select(p => p.Message.Seq));
    }

    [Fact]
    public async Task A_stored_send_carries_no_error_and_a_rejected_one_its_code_and_text()
    {
        var owner = NewUserId();
        var room = await NewGroup(owner);

        var outcomes = await room.SendBatch([new SendCommand(owner, "k1", "one"), new SendCommand(owner, "k2", "")]);

        Assert.Equal((true, null, null), (outcomes[0].IsStored, outcomes[0].ErrorCode, outcomes[0].ErrorMessage));
        Assert.Equal((false, ChatErrorCode.BadRequest, "content must not be empty."), (outcomes[1].IsStored, outcomes[1].ErrorCode, outcomes[1].ErrorMessage));
    }

    [Fact]
    public async Task A_rejected_send_fails_alone_and_a_repeat_in_the_batch_gets_the_first_result()
    {
        var owner = NewUserId();
        var room = await NewGroup(owner);

        var outcomes = await room.SendBatch(
        [
            new SendCommand(owner, "k1", "one"),
            new SendCommand(NewUserId(), "k2", "not a member"),
            new SendCommand(owner, "k3", ""),
            new SendCommand(owner, "k1", "one"),
            new SendCommand(owner, "k4", "two"),
        ]);

        Assert.Equal(1, outcomes[0].Ack!.Seq);
        Assert.Null(outcomes[1].Ack);
        Assert.Equal(ChatErrorCode.Forbidden, outcomes[1].ErrorCode);
        Assert.Null(outcomes[2].Ack);
        Assert.Equal(ChatErrorCode.BadRequest, outcomes[2].ErrorCode);
        Assert.Equal(outcomes[0].Ack, outcomes[3].Ack);
        Assert.Equal(2, outcomes[4].Ack!.Seq);
        Assert.Equal(["one", "two"], (await AllMessages(room, owner)).Select(m => m.Content));
    }
}
