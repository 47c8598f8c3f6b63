using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace OrleansChat.PushWorker.Senders;

/// <summary>
/// APNs over HTTP/2 with token authentication: <c>POST {Push:Apns:Endpoint}/3/device/{token}</c> with an ES256 JWT
/// (key id, team id) renewed every 50 minutes, <c>apns-topic</c>, <c>apns-push-type: alert</c> and one
/// <c>apns-collapse-id</c> per chat. 410 Unregistered and a bad device token remove the device.
/// </summary>
internal sealed class ApnsPushSender : IPushSender, IDisposable
{
    public const string HttpClientName = "OrleansChat.Push.Apns";

    /// <summary>Apple refuses tokens older than an hour and too-frequent new ones; 50 minutes sits between.</summary>
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromMinutes(50);

    private readonly IHttpClientFactory _httpClients;
    private readonly TimeProvider _time;
    private readonly ApnsOptions _options;
    private readonly ECDsa _key;
    private readonly Lock _gate = new();
    private (string Jwt, DateTimeOffset IssuedAt)? _token;

    public ApnsPushSender(IHttpClientFactory httpClients, ApnsOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _httpClients = httpClients;
        _options = options;
        _time = time;
        _key = ECDsa.Create();
        _key.ImportFromPem(File.ReadAllText(options.KeyFile ?? throw new InvalidOperationException("Push:Apns:KeyFile is not set.")));
    }

    public bool Supports(DevicePlatform platform) => platform == DevicePlatform.Apns;

    public async Task<PushResult> SendAsync(PushNotification notification, Device device, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        ArgumentNullException.ThrowIfNull(device);
        var http = _httpClients.CreateClient(HttpClientName);
        var jwt = ProviderToken(renew: false);
        var response = await PostAsync(http, notification, device.Token, jwt, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Forbidden)
        {
            var body = await HttpAnswers.ReadBodyAsync(response, cancellationToken).ConfigureAwait(false);
            if (HttpAnswers.JsonString(body, "reason") is "ExpiredProviderToken" or "InvalidProviderToken")
            {
                response.Dispose();
                response = await PostAsync(http, notification, device.Token, ProviderToken(renew: true, rejected: jwt), cancellationToken).ConfigureAwait(false);
            }
        }

        using (response)
        {
            return await InterpretAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The payload: the alert and the message's fields beside <c>aps</c>.</summary>
    internal static JsonObject Payload(PushNotification notification)
    {
        var payload = new JsonObject
        {
            ["aps"] = new JsonObject
            {
                ["alert"] = new JsonObject { ["title"] = notification.Title, ["body"] = notification.Preview },
                ["sound"] = "default",
                ["thread-id"] = notification.ChatId,
            },
        };
        foreach (var (key, value) in notification.Data)
        {
            payload[key] = value;
        }

        return payload;
    }

    public void Dispose() => _key.Dispose();

    private async Task<HttpResponseMessage> PostAsync(HttpClient http, PushNotification notification, string deviceToken, string jwt, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"3/device/{Uri.EscapeDataString(deviceToken)}", UriKind.Relative))
        {
            Content = JsonContent.Create(Payload(notification)),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("bearer", jwt);
        request.Headers.Add("apns-topic", _options.Topic);
        request.Headers.Add("apns-push-type", "alert");
        request.Headers.Add("apns-priority", "10");
        request.Headers.Add("apns-collapse-id", CollapseId(notification.ChatId));
        return await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private string ProviderToken(bool renew, string? rejected = null)
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var stale = _token is not { } current || now - current.IssuedAt >= TokenLifetime || (renew && current.Jwt == rejected);
            if (stale)
            {
                var jwt = Es256Jwt.Create(
                    new Dictionary<string, object> { ["alg"] = "ES256", ["kid"] = _options.KeyId! },
                    new Dictionary<string, object> { ["iss"] = _options.TeamId!, ["iat"] = now.ToUnixTimeSeconds() },
                    _key);
                _token = (jwt, now);
            }

            return _token!.Value.Jwt;
        }
    }

    /// <summary>APNs takes at most 64 bytes of collapse id.</summary>
    private static string CollapseId(string chatId) =>
        System.Text.Encoding.UTF8.GetByteCount(chatId) <= 64 ? chatId : Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(chatId)));

    private async Task<PushResult> InterpretAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return PushResult.Delivered;
        }

        var body = await HttpAnswers.ReadBodyAsync(response, cancellationToken).ConfigureAwait(false);
        var reason = HttpAnswers.Describe(response, body);
        var apnsReason = HttpAnswers.JsonString(body, "reason");
        if (response.StatusCode == HttpStatusCode.Gone || apnsReason is "BadDeviceToken" or "DeviceTokenNotForTopic" or "Unregistered")
        {
            return PushResult.DeviceGone(reason);
        }

        if (HttpAnswers.IsTransient(response.StatusCode))
        {
            return PushResult.Transient(reason, HttpAnswers.RetryAfter(response, _time.GetUtcNow()));
        }

        return PushResult.Rejected(reason);
    }
}
