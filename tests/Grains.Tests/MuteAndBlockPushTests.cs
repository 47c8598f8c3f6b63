using Microsoft.Extensions.Time.Testing;
using OrleansChat.Persistence;

namespace OrleansChat.Grains.Tests;

/// <summary>PROTOCOL.md 6.5 on push: a muted chat and a blocked sender queue no notification for the member.</summary>
[Collection(SharedChatCluster.Name)]
public sealed class MuteAndBlockPushTests(ChatClusterFixture fixture) : ChatTestBase(fixture)
{
    [Fact]
    public async Task A_member_who_muted_the_chat_gets_no_outbox_row_and_the_others_still_do()
    {
        var (senderId, mutedId, otherId) = (NewUserId(), NewUserId(), NewUserId());
        await Fixture.RegisterDevice(mutedId);
        var otherDevice = await Fixture.RegisterDevice(otherId);
        var room = await NewGroup(senderId, mutedId, otherId);
        await User(mutedId).SetChatSettings(room.GetPrimaryKeyString(), new ChatSettings(true, null));

        await Send(room, senderId, "hello there");

        Assert.Empty(await Fixture.OutboxRows(room, mutedId));
        Assert.Equal([otherDevice], (await Fixture.OutboxRows(room, otherId)).Select(r => r.DeviceId));
    }

    [Fact]
    public async Task A_member_who_muted_the_chat_gets_an_outbox_row_for_a_text_that_mentions_them()
    {
        var (senderId, mutedId) = (NewUserId(), NewUserId());
        var device = await Fixture.RegisterDevice(mutedId);
        var room = await NewGroup(senderId, mutedId);
        await User(mutedId).SetChatSettings(room.GetPrimaryKeyString(), new ChatSettings(true, null));
        await Send(room, senderId, "not for you");

        var ack = await Send(room, senderId, $"look @{mutedId} here");

        Assert.Equal([(device, ack.Seq)], (await Fixture.OutboxRows(room, mutedId)).Select(r => (r.DeviceId, r.Seq)));
    }

    [Fact]
    public async Task A_member_muted_until_a_later_time_gets_no_outbox_row()
    {
        var (senderId, mutedId) = (NewUserId(), NewUserId());
        await Fixture.RegisterDevice(mutedId);
        var room = await NewGroup(senderId, mutedId);
        await User(mutedId).SetChatSettings(room.GetPrimaryKeyString(), new ChatSettings(true, DateTimeOffset.UtcNow.AddHours(1)));

        await Send(room, senderId, "hello there");

        Assert.Empty(await Fixture.OutboxRows(room, mutedId));
    }

    [Fact]
    public async Task A_member_who_unmuted_the_chat_gets_outbox_rows_again()
    {
        var (senderId, memberId) = (NewUserId(), NewUserId());
        var device = await Fixture.RegisterDevice(memberId);
        var room = await NewGroup(senderId, memberId);
        var chatId = room.GetPrimaryKeyString();
        await User(memberId).SetChatSettings(chatId, new ChatSettings(true, null));
        await Send(room, senderId, "while muted");

        await User(memberId).SetChatSettings(chatId, ChatSettings.Unmuted);
        var ack = await Send(room, senderId, "after unmuting");

        Assert.Equal([(device, ack.Seq)], (await Fixture.OutboxRows(room, memberId)).Select(r => (r.DeviceId, r.Seq)));
    }

    [Fact]
    public async Task A_mute_of_one_chat_leaves_the_members_other_chats_notifying()
    {
        var (senderId, memberId) = (NewUserId(), NewUserId());
        var device = await Fixture.RegisterDevice(memberId);
        var muted = await NewGroup(senderId, memberId);
        var other = await NewGroup(senderId, memberId);
        await User(memberId).SetChatSettings(muted.GetPrimaryKeyString(), new ChatSettings(true, null));

        await Send(other, senderId, "in the other chat");

        Assert.Equal([device], (await Fixture.OutboxRows(other, memberId)).Select(r => r.DeviceId));
    }

    [Fact]
    public async Task A_member_who_blocked_the_sender_gets_no_outbox_row_from_a_shared_group()
    {
        var (senderId, blockerId, otherId) = (NewUserId(), NewUserId(), NewUserId());
        var blockerDevice = await Fixture.RegisterDevice(blockerId);
        var otherDevice = await Fixture.RegisterDevice(otherId);
        var room = await NewGroup(otherId, senderId, blockerId);
        await User(blockerId).Block(senderId);

        await Send(room, senderId, "from the blocked sender");
        var fromOther = await Send(room, otherId, "from someone else");

        Assert.Equal([(blockerDevice, fromOther.Seq)], (await Fixture.OutboxRows(room, blockerId)).Select(r => (r.DeviceId, r.Seq)));
        Assert.Equal([otherDevice], (await Fixture.OutboxRows(room, otherId)).Select(r => r.DeviceId).Distinct());
    }

    [Fact]
    public async Task A_room_that_activates_after_a_mute_and_a_block_knows_both()
    {
        var (senderId, mutedId, blockerId) = (NewUserId(), NewUserId(), NewUserId());
        await Fixture.RegisterDevice(mutedId);
        await Fixture.RegisterDevice(blockerId);
        var room = await NewGroup(senderId, mutedId, blockerId);
        await User(mutedId).SetChatSettings(room.GetPrimaryKeyString(), new ChatSettings(true, null));
        await User(blockerId).Block(senderId);

        await Fixture.Cluster.DeactivateAsync(room);
        await Send(room, senderId, "after the room came back");

        Assert.Empty(await Fixture.OutboxRows(room, mutedId));
        Assert.Empty(await Fixture.OutboxRows(room, blockerId));
    }
}

/// <summary>A mute with an end, on the silos' clock.</summary>
[Collection(SharedFakeClockCluster.Name)]
public sealed class MuteExpiryPushTests(FakeClockClusterFixture fixture) : ChatTestBase(fixture)
{
    private FakeTimeProvider Clock => fixture.Clock;

    [Fact]
    public async Task A_member_whose_mute_ended_gets_an_outbox_row_without_anyone_unmuting()
    {
        var (senderId, memberId) = (NewUserId(), NewUserId());
        var device = await Fixture.RegisterDevice(memberId);
        var room = await NewGroup(senderId, memberId);
        await User(memberId).SetChatSettings(room.GetPrimaryKeyString(), new ChatSettings(true, Clock.GetUtcNow().AddMinutes(1)));
        Clock.Advance(TimeSpan.FromMinutes(1) - TimeSpan.FromMilliseconds(1));
        await Send(room, senderId, "just before the end");

        Clock.Advance(TimeSpan.FromMilliseconds(1));
        var ack = await Send(room, senderId, "at the end");

        Assert.Equal([(device, ack.Seq)], (await Fixture.OutboxRows(room, memberId)).Select(r => (r.DeviceId, r.Seq)));
        Assert.Empty(await User(memberId).GetMutedChats());
    }
}

internal static class PushOutboxReading
{
    public static async Task<string> RegisterDevice(this ChatClusterFixture fixture, string userId) =>
        (await fixture.Client.GetGrain<IUserGrain>(userId).RegisterDevice(DevicePlatform.Fcm, "token-" + userId)).DeviceId;

    public static async Task<IReadOnlyList<PushOutboxEntry>> OutboxRows(this ChatClusterFixture fixture, IChatRoomGrain room, string recipientId)
    {
        var rows = await fixture.PushOutbox.ListAsync(100_000, TestContext.Current.CancellationToken);
        return [.. rows.Where(r => r.ChatId == room.GetPrimaryKeyString() && r.RecipientId == recipientId)];
    }
}
