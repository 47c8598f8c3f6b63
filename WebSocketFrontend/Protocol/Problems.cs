using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OrleansChat.Gateway.Protocol;

/// <summary>RFC 9457 problem details carrying PROTOCOL.md's <c>code</c> and the <c>traceId</c> of its log line.</summary>
public static partial class Problems
{
    public const string ContentType = "application/problem+json";

    public static async Task WriteAsync(HttpContext context, ProtocolError error)
    {
        // An internal error was logged at Error where it was mapped; the rest are the client's and worth a Debug line.
        var traceId = error.TraceId ?? TraceIds.Current();
        if (error.TraceId is null)
        {
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(Problems));
            LogAnswered(logger, error.Status, error.Code, traceId, error.Message);
        }

        var response = context.Response;
        response.StatusCode = error.Status;
        response.ContentType = ContentType;
        if (error.RetryAfterMs is { } retryMs)
        {
            response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryMs / 1000.0)).ToString(CultureInfo.InvariantCulture);
        }

        await using var writer = new Utf8JsonWriter(response.Body);
        writer.WriteStartObject();
        writer.WriteString("type", $"https://httpstatuses.io/{error.Status}");
        writer.WriteString("title", ReasonPhrases.GetReasonPhrase(error.Status));
        writer.WriteNumber("status", error.Status);
        writer.WriteString("detail", error.Message);
        writer.WriteString("code", error.Code);
        writer.WriteString("traceId", traceId);
        if (error.RetryAfterMs is { } retry)
        {
            writer.WriteNumber("retryAfterMs", retry);
        }

        writer.WriteEndObject();
    }

    /// <summary>The code for a bare status the framework answers by itself (no route, wrong method, and so on).</summary>
    public static string CodeFor(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => "unauthorized",
        StatusCodes.Status403Forbidden => "forbidden",
        StatusCodes.Status404NotFound => "not_found",
        StatusCodes.Status413PayloadTooLarge => "too_large",
        StatusCodes.Status429TooManyRequests => "rate_limited",
        StatusCodes.Status503ServiceUnavailable => "unavailable",
        >= 500 => "internal",
        _ => "bad_request",
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Answered {Status} {Code} (trace id {TraceId}): {Answer}")]
    private static partial void LogAnswered(ILogger logger, int status, string code, string traceId, string answer);
}
