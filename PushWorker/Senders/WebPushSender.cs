using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrleansChat.PushWorker.Senders;

/// <summary>
/// Web Push (RFC 8030): POSTs the encrypted notification to the subscription's endpoint with VAPID, a TTL, high
/// urgency and one topic per chat (a later push replaces an undelivered one). 404 and 410 remove the device.
/// </summary>
internal sealed class WebPushSender(IHttpClientFactory httpClients, Vapid vapid, WebPushOptions options, TimeProvider time) : IPushSender
{
    public const string HttpClientName = "OrleansChat.Push.WebPush";

    public bool Supports(DevicePlatform platform) => platform == DevicePlatform.WebPush;

    public async Task<PushResult> SendAsync(PushNotification notification, Device device, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        ArgumentNullException.ThrowIfNull(device);
        if (WebPushSubscription.Parse(device.Token) is not { } subscription)
        {
            return PushResult.DeviceGone("the device token is not a push subscription (endpoint, keys.p256dh, keys.auth)");
        }

        var body = WebPushEncryption.Encrypt(Payload(notification), subscription.P256dh, subscription.Auth);
        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Endpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        request.Content.Headers.ContentEncoding.Add("aes128gcm");
        request.Headers.TryAddWithoutValidation("Authorization", vapid.Authorization(subscription.Endpoint, time.GetUtcNow()));
        request.Headers.Add("TTL", ((long)options.TimeToLive.TotalSeconds).ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("Urgency", "high");
        request.Headers.Add("Topic", Topic(notification.ChatId));

        using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return PushResult.Delivered;
        }

        var reason = HttpAnswers.Describe(response, await HttpAnswers.ReadBodyAsync(response, cancellationToken).ConfigureAwait(false));
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone)
        {
            return PushResult.DeviceGone(reason);
        }

        return HttpAnswers.IsTransient(response.StatusCode)
            ? PushResult.Transient(reason, HttpAnswers.RetryAfter(response, time.GetUtcNow()))
            : PushResult.Rejected(reason);
    }

    /// <summary>What the service worker receives: title, body and the message's fields, as JSON.</summary>
    internal static byte[] Payload(PushNotification notification)
    {
        var payload = new JsonObject { ["title"] = notification.Title, ["body"] = notification.Preview };
        foreach (var (key, value) in notification.Data)
        {
            payload[key] = value;
        }

        return JsonSerializer.SerializeToUtf8Bytes(payload);
    }

    /// <summary>A topic is at most 32 base64url characters: 24 bytes of the chat id's hash.</summary>
    private static string Topic(string chatId) => Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(chatId)).AsSpan(0, 24));
}
