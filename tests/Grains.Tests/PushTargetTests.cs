using OrleansChat.Persistence;

namespace OrleansChat.Grains.Tests;

[Collection(SharedChatCluster.Name)]
public sealed class PushTargetTests(ChatClusterFixture fixture) : ChatTestBase(fixture)
{
    [Fact]
    public async Task A_member_with_a_device_and_no_session_gets_an_outbox_row()
    {
        var offlineId = NewUserId();
        var device = await User(offlineId).RegisterDevice(DevicePlatform.Fcm, "token-" + offlineId);
        var senderId = NewUserId();
        var room = await NewGroup(senderId, offlineId);

        var ack = await Send(room, senderId, "hello there");

        var row = Assert.Single(await OutboxRows(room, offlineId));
        Assert.Equal(
            (device.DeviceId, ack.Seq, ack.MessageId, senderId, "hello there"),
            (row.DeviceId, row.Seq, row.MessageId, row.SenderId, row.Preview));
    }

    [Fact]
    public async Task A_member_with_an_open_session_gets_no_outbox_row()
    {
        var onlineId = NewUserId();
        await User(onlineId).RegisterDevice(DevicePlatform.Apns, "token-" + onlineId);
        using var gateway = NewGateway();
        var session = await OpenSession(onlineId, gateway);
        var senderId = NewUserId();
        var room = await NewGroup(senderId, onlineId);

        await Send(room, senderId, "hello there");

        Assert.Empty(await OutboxRows(room, onlineId));
        await session.Close();
    }

    [Fact]
    public async Task The_sender_gets_no_outbox_row()
    {
        var senderId = NewUserId();
        await User(senderId).RegisterDevice(DevicePlatform.WebPush, "token-" + senderId);
        var room = await NewGroup(senderId, NewUserId());

        await Send(room, senderId, "hello there");

        Assert.Empty(await OutboxRows(room, senderId));
    }

    [Fact]
    public async Task Each_device_of_an_unreachable_member_gets_its_own_outbox_row()
    {
        var offlineId = NewUserId();
        var phone = await User(offlineId).RegisterDevice(DevicePlatform.Fcm, "phone-" + offlineId);
        var browser = await User(offlineId).RegisterDevice(DevicePlatform.WebPush, "browser-" + offlineId);
        var senderId = NewUserId();
        var room = await NewGroup(senderId, offlineId);

        await Send(room, senderId, "hello there");

        Assert.Equal(
            new[] { phone.DeviceId, browser.DeviceId }.Order(),
            (await OutboxRows(room, offlineId)).Select(r => r.DeviceId).Order());
    }

    private async Task<IReadOnlyList<PushOutboxEntry>> OutboxRows(IChatRoomGrain room, string recipientId)
    {
        var rows = await Fixture.PushOutbox.ListAsync(100_000, TestContext.Current.CancellationToken);
        return [.. rows.Where(r => r.ChatId == room.GetPrimaryKeyString() && r.RecipientId == recipientId)];
    }
}
