using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace OrleansChat.PushWorker.Tests;

[Collection(SharedPushCluster.Name)]
public sealed class ApnsDeliveryTests(PushCluster cluster) : IDisposable
{
    private readonly ChatScenario _chat = new(cluster);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow.AddDays(1));

    private TestWorker NewWorker() => TestWorker.Create(
        cluster,
        _time,
        "Push:Sender=Apns",
        $"Push:Apns:KeyFile={cluster.ApnsKeyFile}",
        "Push:Apns:KeyId=TESTKEY123",
        "Push:Apns:TeamId=TEAM123456",
        "Push:Apns:Topic=net.orleanschat.app",
        $"Push:Apns:Endpoint={cluster.Providers.Http2Base}");

    [Fact]
    public async Task An_offline_members_device_gets_one_HTTP2_request_with_a_signed_provider_token_and_the_alert_headers()
    {
        var (sender, offline) = (ChatScenario.NewId("sender"), ChatScenario.NewId("offline"));
        var phone = await _chat.Device(offline, DevicePlatform.Apns, "ok-iphone");
        var room = await _chat.Group(sender, offline);
        var ack = await ChatScenario.Send(room, sender, "hello from the test");
        await using var worker = NewWorker();

        await worker.SettleAsync(cluster.Outbox, ack.ChatId);

        var request = Assert.Single(cluster.Providers.ApnsRequests, r => r.Path == $"/3/device/{phone.Token}");
        Assert.Equal(("HTTP/2", 200), (request.Protocol, request.Status));
        Assert.Equal(
            ("net.orleanschat.app", "alert", ack.ChatId),
            (request.Headers["apns-topic"], request.Headers["apns-push-type"], request.Headers["apns-collapse-id"]));
        var jwt = request.Headers["authorization"]["bearer ".Length..].Split('.');
        Assert.True(cluster.ApnsKey.VerifyData(
            Encoding.ASCII.GetBytes($"{jwt[0]}.{jwt[1]}"), ProviderStandIn.FromBase64Url(jwt[2]), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        var header = JsonDocument.Parse(ProviderStandIn.FromBase64Url(jwt[0])).RootElement;
        var claims = JsonDocument.Parse(ProviderStandIn.FromBase64Url(jwt[1])).RootElement;
        Assert.Equal(
            ("ES256", "TESTKEY123", "TEAM123456", _time.GetUtcNow().ToUnixTimeSeconds()),
            (header.GetProperty("alg").GetString(), header.GetProperty("kid").GetString(), claims.GetProperty("iss").GetString(), claims.GetProperty("iat").GetInt64()));
        var alert = request.Json.GetProperty("aps").GetProperty("alert");
        Assert.Equal((sender, "hello from the test"), (alert.GetProperty("title").GetString(), alert.GetProperty("body").GetString()));
        Assert.Equal(
            (ack.ChatId, ack.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture), ack.MessageId.ToString(), sender),
            (request.Json.GetProperty("chatId").GetString(), request.Json.GetProperty("seq").GetString(), request.Json.GetProperty("messageId").GetString(), request.Json.GetProperty("senderId").GetString()));
    }

    [Fact]
    public async Task A_device_APNs_answers_410_for_is_removed_from_its_user()
    {
        var (sender, offline) = (ChatScenario.NewId("sender"), ChatScenario.NewId("offline"));
        var gone = await _chat.Device(offline, DevicePlatform.Apns, "gone-iphone");
        var room = await _chat.Group(sender, offline);
        await ChatScenario.Send(room, sender, "hello");
        await using var worker = NewWorker();

        await worker.SettleAsync(cluster.Outbox, room.GetPrimaryKeyString());

        Assert.Equal(410, Assert.Single(cluster.Providers.ApnsRequests, r => r.Path == $"/3/device/{gone.Token}").Status);
        Assert.Empty(await _chat.User(offline).GetDevices());
        Assert.Empty(await TestWorker.Rows(cluster.Outbox, room.GetPrimaryKeyString()));
    }

    public void Dispose() => _chat.Dispose();
}
