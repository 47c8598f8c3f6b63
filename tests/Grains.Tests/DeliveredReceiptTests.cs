using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.Storage;

namespace OrleansChat.Grains.Tests;

/// <summary>PROTOCOL.md 6.4 in the room: delivered seqs beside read seqs, each the highest reported, never below the read seq.</summary>
[Collection(SharedChatCluster.Name)]
public sealed class DeliveredReceiptTests(ChatClusterFixture fixture) : ChatTestBase(fixture)
{
    [Fact]
    public async Task Marking_delivered_publishes_a_receipt_once_per_increase_and_never_below_the_read_seq()
    {
        var (ownerId, memberId, room) = await NewChatWithMessages(4);
        var chatId = room.GetPrimaryKeyString();
        using var gateway = await SubscribedGateway(room);

        await room.MarkDelivered(memberId, 2);
        await room.MarkDelivered(memberId, 2);
        await room.MarkDelivered(memberId, 1);
        await room.MarkRead(memberId, 1);
        await room.MarkRead(memberId, 3);
        await room.MarkDelivered(memberId, 3);
        await room.MarkDelivered(memberId, 4);
        await room.MarkDelivered(ownerId, 4);

        // Once the owner's later receipt is in too, a receipt the member should not have caused would be in as well. Receipts
        // stored in different writes travel in different one-way calls, which need not arrive in the order they were sent.
        var receipts = await gateway.WaitForChatEventsAsync<ReceiptChanged>(
            chatId, r => r.Any(e => e.UserId == ownerId) && r.Count(e => e.UserId == memberId) >= 4);
        Assert.Equal(
            [
                new ReceiptChanged(chatId, memberId, 0, 2),
                new ReceiptChanged(chatId, memberId, 1, 2),
                new ReceiptChanged(chatId, memberId, 3, 3),
                new ReceiptChanged(chatId, memberId, 3, 4),
            ],
            receipts.Where(r => r.UserId == memberId).OrderBy(r => r.DeliveredSeq).ThenBy(r => r.ReadSeq));
    }

    [Fact]
    public async Task Marking_delivered_beyond_the_last_seq_or_below_zero_is_a_bad_request()
    {
        var (_, memberId, room) = await NewChatWithMessages(2);

        Assert.Equal(ChatErrorCode.BadRequest, await ErrorOf(() => room.MarkDelivered(memberId, 3)));
        Assert.Equal(ChatErrorCode.BadRequest, await ErrorOf(() => room.MarkDelivered(memberId, -1)));
    }

    [Fact]
    public async Task Marking_delivered_in_a_chat_one_is_not_a_member_of_is_forbidden()
    {
        var (_, _, room) = await NewChatWithMessages(1);

        Assert.Equal(ChatErrorCode.Forbidden, await ErrorOf(() => room.MarkDelivered(NewUserId(), 1)));
    }

    [Fact]
    public async Task The_details_carry_every_members_receipt_after_the_room_is_deactivated()
    {
        var (ownerId, memberId, room) = await NewChatWithMessages(3);
        await room.MarkDelivered(memberId, 3);
        await room.MarkRead(memberId, 2);
        await room.MarkRead(ownerId, 1);

        await Fixture.Cluster.DeactivateAsync(room);

        Assert.Equal([new MemberReceipt(ownerId, 1, 1), new MemberReceipt(memberId, 2, 3)], (await room.GetDetails(ownerId)).Receipts);
    }

    [Fact]
    public async Task A_room_stored_before_delivered_seqs_existed_loads_each_delivered_seq_as_at_least_the_read_seq()
    {
        var serializer = new SystemTextJsonGrainStorageSerializer(Options.Create(new SystemTextJsonGrainStorageSerializerOptions()));
        var state = new ChatRoomState { Exists = true, Members = [new MemberState { UserId = "alice", ReadSeq = 5, DeliveredSeq = 5 }] };
        var stored = JsonNode.Parse(serializer.Serialize(state).ToString())!;
        var member = stored["Members"]!.AsArray()[0]!.AsObject();
        Assert.True(member.Remove(nameof(MemberState.DeliveredSeq)), $"no DeliveredSeq in {stored.ToJsonString()}");

        var loaded = serializer.Deserialize<ChatRoomState>(BinaryData.FromString(stored.ToJsonString()))!.Members[0];

        Assert.Equal(new MemberReceipt("alice", 5, 5), loaded.Receipt());
        Assert.False(loaded.Raise(4, read: false));
        Assert.True(loaded.Raise(6, read: false));
        Assert.Equal(new MemberReceipt("alice", 5, 6), loaded.Receipt());
    }

    private async Task<(string OwnerId, string MemberId, IChatRoomGrain Room)> NewChatWithMessages(int count)
    {
        var ownerId = NewUserId();
        var memberId = NewUserId();
        var room = await NewGroup(ownerId, memberId);
        for (var i = 0; i < count; i++)
        {
            await Send(room, ownerId, $"message {i}");
        }

        return (ownerId, memberId, room);
    }
}
