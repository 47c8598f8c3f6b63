using System.Buffers.Text;
using System.Text.Json;

namespace OrleansChat.PushWorker.Senders;

/// <summary>
/// A browser's push subscription, as <c>PushSubscription.toJSON()</c> gives it and the client registers as
/// the device token: <c>{"endpoint": "...", "keys": {"p256dh": "...", "auth": "..."}}</c>.
/// </summary>
public sealed record WebPushSubscription(Uri Endpoint, byte[] P256dh, byte[] Auth)
{
    /// <summary>The subscription in <paramref name="json"/>, or null when it is not one.</summary>
    public static WebPushSubscription? Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("endpoint", out var endpoint)
                || !Uri.TryCreate(endpoint.GetString(), UriKind.Absolute, out var uri)
                || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
                || !root.TryGetProperty("keys", out var keys)
                || keys.ValueKind != JsonValueKind.Object
                || !keys.TryGetProperty("p256dh", out var p256dh)
                || !keys.TryGetProperty("auth", out var auth))
            {
                return null;
            }

            var publicKey = Base64Url.DecodeFromChars(p256dh.GetString());
            var secret = Base64Url.DecodeFromChars(auth.GetString());
            return publicKey is [0x04, ..] && publicKey.Length == 65 && secret.Length == 16 ? new(uri, publicKey, secret) : null;
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            return null;
        }
    }
}
