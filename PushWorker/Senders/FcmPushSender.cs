using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrleansChat.PushWorker.Senders;

/// <summary>
/// FCM HTTP v1: <c>POST {Push:Fcm:Endpoint}/v1/projects/{project}/messages:send</c> with a notification (title: the
/// sender, body: the preview), string data (<c>chatId</c>, <c>seq</c>, <c>messageId</c>, <c>senderId</c>), high
/// priority on Android and one collapse key per chat.
/// </summary>
internal sealed class FcmPushSender(IHttpClientFactory httpClients, FcmCredentials credentials, TimeProvider time) : IPushSender
{
    public const string HttpClientName = "OrleansChat.Push.Fcm";

    private const string FcmErrorType = "type.googleapis.com/google.firebase.fcm.v1.FcmError";

    public bool Supports(DevicePlatform platform) => platform == DevicePlatform.Fcm;

    public async Task<PushResult> SendAsync(PushNotification notification, Device device, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        ArgumentNullException.ThrowIfNull(device);
        var http = httpClients.CreateClient(HttpClientName);
        var path = new Uri($"v1/projects/{Uri.EscapeDataString(credentials.ProjectId)}/messages:send", UriKind.Relative);
        var body = Message(notification, device.Token);

        var token = await credentials.GetAccessTokenAsync(cancellationToken).ConfigureAwait(false);
        var response = await PostAsync(http, path, body, token, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            // An access token can be revoked before it expires: fetch a new one, once.
            response.Dispose();
            token = await credentials.RefreshAsync(token, cancellationToken).ConfigureAwait(false);
            response = await PostAsync(http, path, body, token, cancellationToken).ConfigureAwait(false);
        }

        using (response)
        {
            return await InterpretAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The request body of FCM's <c>messages:send</c> for one device token.</summary>
    internal static JsonObject Message(PushNotification notification, string deviceToken)
    {
        var data = new JsonObject();
        foreach (var (key, value) in notification.Data)
        {
            data[key] = value;
        }

        return new JsonObject
        {
            ["message"] = new JsonObject
            {
                ["token"] = deviceToken,
                ["notification"] = new JsonObject { ["title"] = notification.Title, ["body"] = notification.Preview },
                ["data"] = data,
                ["android"] = new JsonObject
                {
                    ["priority"] = "HIGH",
                    ["collapse_key"] = notification.ChatId,
                    ["notification"] = new JsonObject { ["tag"] = notification.ChatId },
                },
                ["apns"] = new JsonObject
                {
                    ["headers"] = new JsonObject { ["apns-priority"] = "10", ["apns-collapse-id"] = notification.ChatId },
                },
            },
        };
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, Uri path, JsonObject body, string token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private async Task<PushResult> InterpretAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return PushResult.Delivered;
        }

        var body = await HttpAnswers.ReadBodyAsync(response, cancellationToken).ConfigureAwait(false);
        var reason = HttpAnswers.Describe(response, body);
        var errorCode = FcmErrorCode(body);
        var status = HttpAnswers.JsonString(body, "error", "status");
        var message = HttpAnswers.JsonString(body, "error", "message") ?? "";

        var tokenInvalid =
            errorCode is "UNREGISTERED" or "SENDER_ID_MISMATCH"
            || response.StatusCode == HttpStatusCode.NotFound
            || (response.StatusCode == HttpStatusCode.BadRequest
                && (errorCode ?? status) == "INVALID_ARGUMENT"
                && message.Contains("registration token", StringComparison.OrdinalIgnoreCase));
        if (tokenInvalid)
        {
            return PushResult.DeviceGone(reason);
        }

        if (HttpAnswers.IsTransient(response.StatusCode) || response.StatusCode == HttpStatusCode.Unauthorized)
        {
            return PushResult.Transient(reason, HttpAnswers.RetryAfter(response, time.GetUtcNow()));
        }

        return PushResult.Rejected(reason);
    }

    /// <summary>The <c>errorCode</c> of the <c>FcmError</c> among the error's details.</summary>
    private static string? FcmErrorCode(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (!document.RootElement.TryGetProperty("error", out var error)
                || !error.TryGetProperty("details", out var details)
                || details.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            foreach (var detail in details.EnumerateArray())
            {
                if (detail.TryGetProperty("@type", out var type) && type.GetString() == FcmErrorType
                    && detail.TryGetProperty("errorCode", out var code))
                {
                    return code.GetString();
                }
            }

            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
