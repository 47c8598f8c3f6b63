using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using OrleansChat.PushWorker.Senders;

namespace OrleansChat.PushWorker.Tests;

[Collection(SharedPushCluster.Name)]
public sealed class WebPushTests(PushCluster cluster) : IDisposable
{
    // RFC 8291, Appendix A: the keys, salt and message of its worked example.
    private const string Plaintext = "When I grow up, I want to be a watermelon";
    private const string ApplicationServerPrivate = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
    private const string ApplicationServerPublic = "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
    private const string UserAgentPrivate = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94";
    private const string UserAgentPublic = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
    private const string AuthSecret = "BTBZMqHH6r4Tts7J_aSIgg";
    private const string Salt = "DGv6ra1nlYgDCS1FRnbzlw";
    private const string ExpectedMessage =
        "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";

    private readonly ChatScenario _chat = new(cluster);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow.AddDays(1));

    [Fact]
    public void Encrypting_the_worked_example_of_RFC_8291_gives_its_published_message()
    {
        using var applicationServerKey = ECDiffieHellman.Create(
            WebPushEncryption.PrivateKeyParameters(Decode(ApplicationServerPrivate), Decode(ApplicationServerPublic)));

        var message = WebPushEncryption.Encrypt(Encoding.UTF8.GetBytes(Plaintext), Decode(UserAgentPublic), Decode(AuthSecret), applicationServerKey, Decode(Salt));

        Assert.Equal(ExpectedMessage, Base64Url.EncodeToString(message));
    }

    [Fact]
    public void The_VAPID_token_verifies_with_the_public_key_and_names_the_push_services_origin()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var (publicKey, privateKey) = Export(key);
        using var vapid = new Vapid("mailto:ops@orleanschat.test", publicKey, privateKey);
        var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

        var authorization = vapid.Authorization(new Uri("https://push.example.net/send/abc?x=1"), now);

        var fields = authorization["vapid ".Length..].Split(", ").ToDictionary(f => f[..1], f => f[2..]);
        Assert.Equal(publicKey, fields["k"]);
        var jwt = fields["t"].Split('.');
        using var verifier = ECDsa.Create(WebPushEncryption.PrivateKeyParameters(Decode(privateKey), Decode(fields["k"])) with { D = null });
        Assert.True(verifier.VerifyData(Encoding.ASCII.GetBytes($"{jwt[0]}.{jwt[1]}"), Decode(jwt[2]), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        var header = JsonDocument.Parse(Decode(jwt[0])).RootElement;
        var claims = JsonDocument.Parse(Decode(jwt[1])).RootElement;
        Assert.Equal(("ES256", "JWT"), (header.GetProperty("alg").GetString(), header.GetProperty("typ").GetString()));
        Assert.Equal(
            ("https://push.example.net", (now + TimeSpan.FromHours(12)).ToUnixTimeSeconds(), "mailto:ops@orleanschat.test"),
            (claims.GetProperty("aud").GetString(), claims.GetProperty("exp").GetInt64(), claims.GetProperty("sub").GetString()));
    }

    [Fact]
    public async Task A_browser_subscription_gets_a_notification_only_its_keys_can_read_and_an_expired_one_is_removed()
    {
        using var vapidKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var (vapidPublic, vapidPrivate) = Export(vapidKey);
        using var browserKey = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var auth = RandomNumberGenerator.GetBytes(16);
        var (sender, offline) = (ChatScenario.NewId("sender"), ChatScenario.NewId("offline"));
        var subscriptionId = ChatScenario.NewId("ok-browser");
        await _chat.DeviceWithToken(offline, DevicePlatform.WebPush, Subscription(subscriptionId, WebPushEncryption.PublicKeyBytes(browserKey), auth));
        var expiredId = ChatScenario.NewId("gone-browser");
        await _chat.DeviceWithToken(offline, DevicePlatform.WebPush, Subscription(expiredId, WebPushEncryption.PublicKeyBytes(browserKey), auth));
        var room = await _chat.Group(sender, offline);
        var ack = await ChatScenario.Send(room, sender, "hello browser");
        await using var worker = TestWorker.Create(
            cluster,
            _time,
            "Push:Sender=WebPush",
            "Push:WebPush:Subject=mailto:ops@orleanschat.test",
            $"Push:WebPush:PublicKey={vapidPublic}",
            $"Push:WebPush:PrivateKey={vapidPrivate}");

        await worker.SettleAsync(cluster.Outbox, ack.ChatId);

        var request = Assert.Single(cluster.Providers.WebPushRequests, r => r.Path == $"/webpush/{subscriptionId}");
        Assert.Equal((201, "aes128gcm", "high"), (request.Status, request.Headers["content-encoding"], request.Headers["urgency"]));
        Assert.StartsWith("vapid t=", request.Headers["authorization"], StringComparison.Ordinal);
        var payload = JsonDocument.Parse(Decrypt(request.Body, browserKey, auth)).RootElement;
        Assert.Equal(
            (sender, "hello browser", ack.ChatId, ack.MessageId.ToString()),
            (payload.GetProperty("title").GetString(), payload.GetProperty("body").GetString(), payload.GetProperty("chatId").GetString(), payload.GetProperty("messageId").GetString()));
        Assert.Equal(410, Assert.Single(cluster.Providers.WebPushRequests, r => r.Path == $"/webpush/{expiredId}").Status);
        Assert.Single(await _chat.User(offline).GetDevices());
    }

    private string Subscription(string id, byte[] p256dh, byte[] auth) => JsonSerializer.Serialize(new
    {
        endpoint = new Uri(cluster.Providers.HttpBase, $"webpush/{id}").AbsoluteUri,
        keys = new { p256dh = Base64Url.EncodeToString(p256dh), auth = Base64Url.EncodeToString(auth) },
    });

    /// <summary>What the browser does (RFC 8291 3.4, RFC 8188) with a one-record message.</summary>
    private static byte[] Decrypt(byte[] message, ECDiffieHellman browserKey, byte[] auth)
    {
        var salt = message[..16];
        Assert.Equal(4096u, BinaryPrimitives.ReadUInt32BigEndian(message.AsSpan(16, 4)));
        var serverPublic = message[21..(21 + message[20])];
        using var serverKey = WebPushEncryption.ImportPublicKey(serverPublic);
        var secret = browserKey.DeriveRawSecretAgreement(serverKey.PublicKey);
        byte[] info = [.. "WebPush: info\0"u8, .. WebPushEncryption.PublicKeyBytes(browserKey), .. serverPublic];
        var ikm = HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, auth, info);
        var prk = HKDF.Extract(HashAlgorithmName.SHA256, ikm, salt);
        var cek = HKDF.Expand(HashAlgorithmName.SHA256, prk, 16, "Content-Encoding: aes128gcm\0"u8.ToArray());
        var nonce = HKDF.Expand(HashAlgorithmName.SHA256, prk, 12, "Content-Encoding: nonce\0"u8.ToArray());
        var record = message[(21 + message[20])..];
        var plaintext = new byte[record.Length - 16];
        using var aes = new AesGcm(cek, 16);
        aes.Decrypt(nonce, record[..^16], record[^16..], plaintext);
        Assert.Equal(0x02, plaintext[^1]);
        return plaintext[..^1];
    }

    private static (string PublicKey, string PrivateKey) Export(ECDsa key)
    {
        var parameters = key.ExportParameters(includePrivateParameters: true);
        return (Base64Url.EncodeToString([0x04, .. parameters.Q.X!, .. parameters.Q.Y!]), Base64Url.EncodeToString(parameters.D));
    }

    private static byte[] Decode(string text) => Base64Url.DecodeFromChars(text);

    public void Dispose() => _chat.Dispose();
}
