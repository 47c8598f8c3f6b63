namespace OrleansChat.Grains.Tests;

[Collection(SharedChatCluster.Name)]
public sealed class ReadReceiptTests(ChatClusterFixture fixture) : ChatTestBase(fixture)
{
    [Fact]
    public async Task Marking_read_publishes_a_receipt_once_per_increase()
    {
        var (ownerId, readerId, room) = await NewChatWithMessages(3);
        using var gateway = await SubscribedGateway(room);

        await room.MarkRead(readerId, 2);
        await room.MarkRead(readerId, 2);
        await room.MarkRead(readerId, 1);
        await room.MarkRead(readerId, 3);

        var receipts = await gateway.WaitForChatEventsAsync<ReadReceipt>(room.GetPrimaryKeyString(), r => r.Any(e => e.ReadSeq == 3));
        Assert.Equal(
            [new ReadReceipt(room.GetPrimaryKeyString(), readerId, 2), new ReadReceipt(room.GetPrimaryKeyString(), readerId, 3)],
            receipts);
        Assert.DoesNotContain(receipts, r => r.UserId == ownerId);
    }

    [Fact]
    public async Task Marking_read_beyond_the_last_seq_is_a_bad_request()
    {
        var (_, readerId, room) = await NewChatWithMessages(2);

        var code = await ErrorOf(() => room.MarkRead(readerId, 3));

        Assert.Equal(ChatErrorCode.BadRequest, code);
    }

    [Fact]
    public async Task The_summary_carries_the_members_read_seq()
    {
        var (ownerId, readerId, room) = await NewChatWithMessages(3);

        await room.MarkRead(readerId, 2);

        Assert.Equal(2, (await room.GetSummary(readerId)).ReadSeq);
        Assert.Equal(0, (await room.GetSummary(ownerId)).ReadSeq);
    }

    [Fact]
    public async Task The_read_seq_survives_the_room_being_deactivated()
    {
        var (_, readerId, room) = await NewChatWithMessages(3);
        await room.MarkRead(readerId, 2);

        await Fixture.Cluster.DeactivateAsync(room);

        Assert.Equal(2, (await room.GetSummary(readerId)).ReadSeq);
    }

    private async Task<(string OwnerId, string ReaderId, IChatRoomGrain Room)> NewChatWithMessages(int count)
    {
        var ownerId = NewUserId();
        var readerId = NewUserId();
        var room = await NewGroup(ownerId, readerId);
        for (var i = 0; i < count; i++)
        {
            await Send(room, ownerId, $"message {i}");
        }

        return (ownerId, readerId, room);
    }
}
