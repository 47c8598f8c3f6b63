using System.Net;
using System.Text.Json;

namespace OrleansChat.PushWorker.Senders;

/// <summary>What the senders share in reading a provider's HTTP answer.</summary>
internal static class HttpAnswers
{
    /// <summary>The answer's Retry-After as a delay from <paramref name="now"/>, when it has one.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            return date > now ? date - now : TimeSpan.Zero;
        }

        return null;
    }

    /// <summary>Throttling and server errors are worth another try.</summary>
    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)status >= 500;

    /// <summary>The answer's body cut to a length that fits a log line and an outbox row's last error.</summary>
    public static async Task<string> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return body.Length <= 500 ? body : body[..500];
    }

    /// <summary>A string property at <paramref name="path"/> of a JSON body, or null when the body is not JSON or lacks it.</summary>
    public static string? JsonString(string body, params string[] path)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var element = document.RootElement;
            foreach (var name in path)
            {
                if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
                {
                    return null;
                }
            }

            return element.ValueKind == JsonValueKind.String ? element.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string Describe(HttpResponseMessage response, string body) =>
        string.IsNullOrEmpty(body) ? $"HTTP {(int)response.StatusCode}" : $"HTTP {(int)response.StatusCode}: {body}";
}
