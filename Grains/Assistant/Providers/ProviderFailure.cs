using System.ClientModel;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace OrleansChat.Grains.Assistant.Providers;

/// <summary>
/// One provider's failure, in the words of <see cref="AssistantProviderException.Code"/>. <see cref="Transient"/> says
/// whether a retry of the same provider may help (429, 5xx, timeouts, a dropped connection).
/// </summary>
internal sealed class ProviderFailure(string code, bool transient, string message, TimeSpan? retryAfter = null, Exception? inner = null)
    : Exception(message, inner)
{
    public const string Unavailable = "unavailable";
    public const string RateLimited = "rate_limited";
    public const string TimedOut = "timeout";
    public const string BadResponse = "bad_response";

    public string Code { get; } = code;

    public bool Transient { get; } = transient;

    public TimeSpan? RetryAfter { get; } = retryAfter;

    public AssistantProviderException ToProviderException(string provider) =>
        new(Code, $"The provider {provider} failed: {Message}", RetryAfter, this);

    /// <summary>What an SDK's or the network's exception means for the chain. Messages are ours: a provider's never reach a log.</summary>
    public static ProviderFailure From(Exception exception, TimeProvider time) => exception switch
    {
        ProviderFailure failure => failure,
        TimeoutRejectedException => new(TimedOut, true, "no delta within the provider's timeout", inner: exception),
        BrokenCircuitException => new(Unavailable, false, "its circuit is open after repeated failures", inner: exception),
        ClientResultException result => FromStatus(result.Status, RetryAfterOf(result, time), exception),
        global::Anthropic.Exceptions.AnthropicApiException api => FromStatus((int)api.StatusCode, null, exception),
        HttpRequestException { StatusCode: { } status } => FromStatus((int)status, null, exception),
        JsonException or FormatException or InvalidDataException or (InvalidOperationException and not ObjectDisposedException)
            => new(BadResponse, false, "its answer was not a valid stream of chat completion chunks", inner: exception),
        _ => new(Unavailable, true, $"the request failed ({exception.GetType().Name})", inner: exception),
    };

    private static ProviderFailure FromStatus(int status, TimeSpan? retryAfter, Exception inner) => status switch
    {
        0 => new(Unavailable, true, "the server could not be reached", inner: inner),
        (int)HttpStatusCode.TooManyRequests => new(RateLimited, true, "it answered 429 Too Many Requests", retryAfter, inner),
        (int)HttpStatusCode.RequestTimeout or (int)HttpStatusCode.GatewayTimeout => new(TimedOut, true, $"it answered {status}", retryAfter, inner),
        >= 500 => new(Unavailable, true, $"it answered {status}", retryAfter, inner),
        _ => new(Unavailable, false, $"it answered {status}", inner: inner),
    };

    private static TimeSpan? RetryAfterOf(ClientResultException result, TimeProvider time)
    {
        if (result.GetRawResponse() is not { } response || !response.Headers.TryGetValue("Retry-After", out var value) || value is null)
        {
            return null;
        }

        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? TimeSpan.FromTicks(Math.Max(0, (at - time.GetUtcNow()).Ticks))
            : null;
    }
}
