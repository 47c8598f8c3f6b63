using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace OrleansChat.PushWorker.Tests;

[Collection(SharedPushCluster.Name)]
public sealed class FcmDeliveryTests(PushCluster cluster) : IDisposable
{
    private readonly ChatScenario _chat = new(cluster);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow.AddDays(1));

    private TestWorker NewWorker() => TestWorker.Create(
        cluster,
        _time,
        "Push:Sender=Fcm",
        "Push:Fcm:ProjectId=orleanschat-test",
        $"Push:Fcm:CredentialsFile={cluster.ServiceAccountFile}",
        $"Push:Fcm:Endpoint={cluster.Providers.HttpBase}");

    [Fact]
    public async Task Each_device_of_an_offline_member_gets_exactly_one_request_with_the_message_fields()
    {
        var sender = ChatScenario.NewId("sender");
        var online = ChatScenario.NewId("online");
        var offline = ChatScenario.NewId("offline");
        var senderDevice = await _chat.Device(sender, DevicePlatform.Fcm, "ok-sender");
        var onlineDevice = await _chat.Device(online, DevicePlatform.Fcm, "ok-online");
        var phone = await _chat.Device(offline, DevicePlatform.Fcm, "ok-phone");
        var tablet = await _chat.Device(offline, DevicePlatform.Fcm, "ok-tablet");
        await _chat.Online(online);
        var room = await _chat.Group(sender, online, offline);
        var content = new string('x', 60) + new string('y', 90);
        var ack = await ChatScenario.Send(room, sender, content);
        await using var worker = NewWorker();

        await worker.SettleAsync(cluster.Outbox, room.GetPrimaryKeyString());

        Assert.Empty(cluster.Providers.FcmRequestsFor(senderDevice.Token));
        Assert.Empty(cluster.Providers.FcmRequestsFor(onlineDevice.Token));
        foreach (var device in new[] { phone, tablet })
        {
            var request = Assert.Single(cluster.Providers.FcmRequestsFor(device.Token));
            Assert.Equal(("/v1/projects/orleanschat-test/messages:send", 200), (request.Path, request.Status));
            Assert.StartsWith("Bearer access-", request.Headers["authorization"], StringComparison.Ordinal);
            var message = request.Json.GetProperty("message");
            Assert.Equal(
                (sender, content[..100]),
                (message.GetProperty("notification").GetProperty("title").GetString(), message.GetProperty("notification").GetProperty("body").GetString()));
            Assert.Equal(
                new Dictionary<string, string>
                {
                    ["chatId"] = ack.ChatId,
                    ["seq"] = ack.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["messageId"] = ack.MessageId.ToString(),
                    ["senderId"] = sender,
                },
                message.GetProperty("data").Deserialize<Dictionary<string, string>>());
            Assert.Equal(
                ("HIGH", ack.ChatId),
                (message.GetProperty("android").GetProperty("priority").GetString(), message.GetProperty("android").GetProperty("collapse_key").GetString()));
        }

        Assert.Empty(await TestWorker.Rows(cluster.Outbox, ack.ChatId));
        Assert.Equal(2, worker.Count("chat.push.sent"));
    }

    [Fact]
    public async Task Access_tokens_come_from_the_token_uri_of_the_service_account_file()
    {
        var (sender, offline) = (ChatScenario.NewId("sender"), ChatScenario.NewId("offline"));
        await _chat.Device(offline, DevicePlatform.Fcm, "ok-phone");
        var room = await _chat.Group(sender, offline);
        await ChatScenario.Send(room, sender, "hello");
        await using var worker = NewWorker();

        await worker.SettleAsync(cluster.Outbox, room.GetPrimaryKeyString());

        var tokenRequest = cluster.Providers.TokenRequests[^1];
        Assert.Equal("urn:ietf:params:oauth:grant-type:jwt-bearer", tokenRequest["grant_type"]);
        var parts = tokenRequest["assertion"].Split('.');
        Assert.True(
            cluster.ServiceAccountKey.VerifyData(
                System.Text.Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"),
                ProviderStandIn.FromBase64Url(parts[2]),
                System.Security.Cryptography.HashAlgorithmName.SHA256,
                System.Security.Cryptography.RSASignaturePadding.Pkcs1));
        var claims = JsonDocument.Parse(ProviderStandIn.FromBase64Url(parts[1])).RootElement;
        // The request went to the file's token_uri (this stand-in); the assertion's audience is Google's usual one.
        Assert.Equal(
            ("push@orleanschat-test.iam.gserviceaccount.com", "https://www.googleapis.com/auth/firebase.messaging"),
            (claims.GetProperty("iss").GetString(), claims.GetProperty("scope").GetString()));
    }

    [Fact]
    public async Task An_unregistered_device_is_removed_from_its_user_and_not_tried_again()
    {
        var (sender, offline) = (ChatScenario.NewId("sender"), ChatScenario.NewId("offline"));
        var stale = await _chat.Device(offline, DevicePlatform.Fcm, "unregistered-phone");
        var current = await _chat.Device(offline, DevicePlatform.Fcm, "ok-tablet");
        var room = await _chat.Group(sender, offline);
        await ChatScenario.Send(room, sender, "first");
        await ChatScenario.Send(room, sender, "second");
        await using var worker = NewWorker();

        await worker.SettleAsync(cluster.Outbox, room.GetPrimaryKeyString());
        await ChatScenario.Send(room, sender, "third");
        await worker.SettleAsync(cluster.Outbox, room.GetPrimaryKeyString());

        Assert.Equal(404, Assert.Single(cluster.Providers.FcmRequestsFor(stale.Token)).Status);
        Assert.Equal([current.DeviceId], (await _chat.User(offline).GetDevices()).Select(d => d.DeviceId));
        Assert.Equal(3, cluster.Providers.FcmRequestsFor(current.Token).Count);
        Assert.Empty(await TestWorker.Rows(cluster.Outbox, room.GetPrimaryKeyString()));
    }

    [Fact]
    public async Task A_flaky_device_gets_its_notification_after_retries()
    {
        var (sender, offline) = (ChatScenario.NewId("sender"), ChatScenario.NewId("offline"));
        var flaky = await _chat.Device(offline, DevicePlatform.Fcm, "flaky-phone");
        var room = await _chat.Group(sender, offline);
        await ChatScenario.Send(room, sender, "hello");
        await using var worker = NewWorker();

        await worker.SettleAsync(cluster.Outbox, room.GetPrimaryKeyString());

        Assert.Equal([503, 503, 200], cluster.Providers.FcmRequestsFor(flaky.Token).Select(r => r.Status));
        Assert.Empty(await TestWorker.Rows(cluster.Outbox, room.GetPrimaryKeyString()));
        Assert.Equal((2, 1), (worker.Count("chat.push.retried"), worker.Count("chat.push.sent")));
    }

    [Fact]
    public async Task A_throttled_request_is_not_tried_again_before_its_Retry_After()
    {
        var (sender, offline) = (ChatScenario.NewId("sender"), ChatScenario.NewId("offline"));
        var throttled = await _chat.Device(offline, DevicePlatform.Fcm, "throttled-phone");
        var room = await _chat.Group(sender, offline);
        await ChatScenario.Send(room, sender, "hello");
        await using var worker = NewWorker();

        await worker.DispatchAsync();
        var row = Assert.Single(await TestWorker.Rows(cluster.Outbox, room.GetPrimaryKeyString()));
        _time.Advance(TimeSpan.FromSeconds(ProviderStandIn.ThrottleSeconds - 1));
        var claimedEarly = await worker.DispatchAsync();
        _time.Advance(TimeSpan.FromSeconds(1));
        await worker.DispatchAsync();

        Assert.True(row.NextAttemptAt >= _time.GetUtcNow() - TimeSpan.FromSeconds(1), $"retried at {row.NextAttemptAt}");
        Assert.Equal((1, "HTTP 429"), (row.Attempts, row.LastError));
        Assert.Equal(0, claimedEarly);
        Assert.Equal([429, 200], cluster.Providers.FcmRequestsFor(throttled.Token).Select(r => r.Status));
    }

    [Fact]
    public async Task A_row_whose_attempts_are_exhausted_is_dead_lettered_and_kept()
    {
        var (sender, offline) = (ChatScenario.NewId("sender"), ChatScenario.NewId("offline"));
        var down = await _chat.Device(offline, DevicePlatform.Fcm, "down-phone");
        var room = await _chat.Group(sender, offline);
        await ChatScenario.Send(room, sender, "hello");
        await using var worker = NewWorker();

        await worker.SettleAsync(cluster.Outbox, room.GetPrimaryKeyString());
        _time.Advance(TimeSpan.FromHours(1));
        await worker.DispatchAsync();

        var row = Assert.Single(await TestWorker.Rows(cluster.Outbox, room.GetPrimaryKeyString()));
        Assert.NotNull(row.DeadLetteredAt);
        Assert.Equal((TestWorker.MaxAttempts, "HTTP 503"), (row.Attempts, row.LastError));
        Assert.Equal(TestWorker.MaxAttempts, cluster.Providers.FcmRequestsFor(down.Token).Count);
        Assert.Equal(1, worker.Count("chat.push.dead_lettered"));
    }

    [Fact]
    public async Task A_refused_access_token_is_refreshed_once_and_the_request_repeated()
    {
        var (sender, offline) = (ChatScenario.NewId("sender"), ChatScenario.NewId("offline"));
        var phone = await _chat.Device(offline, DevicePlatform.Fcm, "ok-phone");
        var room = await _chat.Group(sender, offline);
        await using var worker = NewWorker();
        await ChatScenario.Send(room, sender, "first");
        await worker.SettleAsync(cluster.Outbox, room.GetPrimaryKeyString());
        cluster.Providers.RevokeIssuedTokens();
        var tokensBefore = cluster.Providers.TokenRequests.Count;

        await ChatScenario.Send(room, sender, "second");
        await worker.SettleAsync(cluster.Outbox, room.GetPrimaryKeyString());

        Assert.Equal([200, 401, 200], cluster.Providers.FcmRequestsFor(phone.Token).Select(r => r.Status));
        Assert.Equal(1, cluster.Providers.TokenRequests.Count - tokensBefore);
        Assert.Empty(await TestWorker.Rows(cluster.Outbox, room.GetPrimaryKeyString()));
    }

    public void Dispose() => _chat.Dispose();
}
