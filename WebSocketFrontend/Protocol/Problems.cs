using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansChat.Gateway.Protocol;

/// <summary>RFC 9457 problem details carrying PROTOCOL.md's <c>code</c> and the <c>traceId</c> of its log line.</summary>
public static partial class Problems
{
    public const string ContentType = "application/problem+json";

    /// <summary>Answers <paramref name="error"/> through the app's <see cref="IProblemDetailsService"/>.</summary>
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
        var problem = new ProblemDetails { Type = TypeFor(error.Status), Title = ReasonPhrases.GetReasonPhrase(error.Status), Status = error.Status, Detail = error.Message };
        problem.Extensions["code"] = error.Code;
        problem.Extensions["traceId"] = traceId;
        if (error.RetryAfterMs is { } retryMs)
        {
            response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryMs / 1000.0)).ToString(CultureInfo.InvariantCulture);
            problem.Extensions["retryAfterMs"] = retryMs;
        }

        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
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

    private static string TypeFor(int status) => $"https://httpstatuses.io/{status}";

    [LoggerMessage(Level = LogLevel.Debug, Message = "Answered {Status} {Code} (trace id {TraceId}): {Answer}")]
    private static partial void LogAnswered(ILogger logger, int status, string code, string traceId, string answer);

    /// <summary>
    /// The app's one problem-details writer: every problem, the framework's too, in PROTOCOL.md's shape
    /// (<c>type</c>, <c>title</c>, <c>status</c>, <c>detail</c>, <c>code</c>, <c>traceId</c>). It writes whatever the
    /// request's <c>Accept</c> says, as the API always has: an error answer is JSON, not a page.
    /// </summary>
    internal sealed class Writer(IOptions<ProblemDetailsOptions> options) : IProblemDetailsWriter
    {
        public bool CanWrite(ProblemDetailsContext context) => true;

        public ValueTask WriteAsync(ProblemDetailsContext context)
        {
            var problem = context.ProblemDetails;
            var status = problem.Status ??= context.HttpContext.Response.StatusCode;
            problem.Type ??= TypeFor(status);
            problem.Title ??= ReasonPhrases.GetReasonPhrase(status);
            options.Value.CustomizeProblemDetails?.Invoke(context);
            return new ValueTask(context.HttpContext.Response.WriteAsJsonAsync(problem, ProblemJson.Default.ProblemDetails, ContentType));
        }
    }
}

/// <summary>Problem details as JSON: the default encoder escapes HTML-sensitive characters (<c>'</c> as <c>\u0027</c>), as it always has.</summary>
[JsonSerializable(typeof(ProblemDetails))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(int))]
internal sealed partial class ProblemJson : JsonSerializerContext;
