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
        await room.MarkRead(ownerId, 3);

        // Once the owner's later receipt is in too, a receipt the reader should not have caused would be in as well.
        var receipts = await gateway.WaitForChatEventsAsync<ReceiptChanged>(room.GetPrimaryKeyString(), r => r.Count >= 3);
        Assert.Equal(
            [new ReceiptChanged(room.GetPrimaryKeyString(), readerId, 2, 2), new ReceiptChanged(room.GetPrimaryKeyString(), readerId, 3, 3)],
            receipts.Where(r => r.UserId == readerId).OrderBy(r => r.ReadSeq));
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
