using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace OrleansChat.Gateway.Protocol;

/// <summary>
/// A failure as PROTOCOL.md 3.4 names it: the code, the HTTP status for REST, and what to tell the client;
/// <paramref name="TraceId"/> when a log line was written for it.
/// </summary>
public sealed record ProtocolError(string Code, int Status, string Message, int? RetryAfterMs = null, string? TraceId = null)
{
    public const string InternalCode = "internal";

    public static ProtocolError BadRequest(string message) => new("bad_request", StatusCodes.Status400BadRequest, message);

    public static ProtocolError TooLarge(string message) => new("too_large", StatusCodes.Status413PayloadTooLarge, message);

    public static ProtocolError Unauthorized(string message) => new("unauthorized", StatusCodes.Status401Unauthorized, message);

    public static ProtocolError Forbidden(string message) => new("forbidden", StatusCodes.Status403Forbidden, message);

    public static ProtocolError NotFound(string message) => new("not_found", StatusCodes.Status404NotFound, message);

    public static ProtocolError RateLimited(TimeSpan retryAfter, string message = "Too many messages; retry after the delay.") => new(
        "rate_limited",
        StatusCodes.Status429TooManyRequests,
        message,
        (int)Math.Ceiling(retryAfter.TotalMilliseconds));
}

/// <summary>The one place that maps failures to PROTOCOL.md codes, for WebSocket frames and REST problem details alike.</summary>
public static partial class ProtocolErrors
{
    /// <summary>
    /// The answer to <paramref name="exception"/>. An <c>internal</c> one is a fault of ours that the client cannot
    /// explain to us, so it is logged at Error with a trace id that the answer carries too.
    /// </summary>
    public static ProtocolError From(Exception exception, ILogger logger) => Logged(Classify(exception), exception, logger);

    /// <summary>The answer to a failure a grain reported as a value (a send's outcome); logged as the overload above logs.</summary>
    public static ProtocolError From(ChatErrorCode code, string message, ILogger logger) =>
        Logged(FromChat(code, message), null, logger);

    private static ProtocolError Logged(ProtocolError error, Exception? exception, ILogger logger)
    {
        if (error.Code != ProtocolError.InternalCode)
        {
            return error;
        }

        var traceId = TraceIds.Current();
        LogInternal(logger, exception, traceId, error.Message);
        return error with { TraceId = traceId };
    }

    private static ProtocolError Classify(Exception exception) => exception switch
    {
        ChatException chat => FromChat(chat.Code, chat.Message),
        ProtocolException frame => frame.Error,

        // Kestrel's verdict on the request itself (a body cut short, a bad chunk): the client's doing.
        BadHttpRequestException bad => new ProtocolError(Problems.CodeFor(bad.StatusCode), bad.StatusCode, bad.Message),

        // The request may or may not have reached the grain: the outcome is unknown, and a retry with the same
        // client message id is safe. It is not "unavailable", which promises that nothing was stored.
        TimeoutException => new ProtocolError("internal", StatusCodes.Status500InternalServerError, "The request timed out; its outcome is unknown. Retrying with the same clientMsgId is safe."),

        // The cluster could not take the request at all.
        SiloUnavailableException or OrleansMessageRejectionException =>
            new ProtocolError("unavailable", StatusCodes.Status503ServiceUnavailable, "The cluster is temporarily unavailable; nothing was stored. Retry."),
        _ => new ProtocolError("internal", StatusCodes.Status500InternalServerError, "Internal error."),
    };

    /// <summary>The PROTOCOL.md code and HTTP status of a chat failure class; nothing is logged.</summary>
    internal static ProtocolError FromChat(ChatErrorCode code, string message) => code switch
    {
        ChatErrorCode.BadRequest => new("bad_request", StatusCodes.Status400BadRequest, message),
        ChatErrorCode.TooLarge => new("too_large", StatusCodes.Status413PayloadTooLarge, message),
        ChatErrorCode.Unauthorized => new("unauthorized", StatusCodes.Status401Unauthorized, message),
        ChatErrorCode.Forbidden => new("forbidden", StatusCodes.Status403Forbidden, message),
        ChatErrorCode.NotFound => new("not_found", StatusCodes.Status404NotFound, message),

        // PROTOCOL.md 4 has 409 but 3.4 no matching code; the request was well formed but cannot apply.
        ChatErrorCode.Conflict => new("bad_request", StatusCodes.Status409Conflict, message),
        ChatErrorCode.RateLimited => new("rate_limited", StatusCodes.Status429TooManyRequests, message),
        ChatErrorCode.Unavailable => new("unavailable", StatusCodes.Status503ServiceUnavailable, message),
        _ => new("internal", StatusCodes.Status500InternalServerError, message),
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Answered internal (trace id {TraceId}): {Answer}")]
    private static partial void LogInternal(ILogger logger, Exception? exception, string traceId, string answer);
}

/// <summary>The trace id an answer and its log line share: the W3C trace of the request, or a fresh one.</summary>
public static class TraceIds
{
    public static string Current() => Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity
        ? activity.TraceId.ToHexString()
        : ActivityTraceId.CreateRandom().ToHexString();
}

/// <summary>A client frame or request broke a protocol rule checked at the edge; nothing was done.</summary>
public sealed class ProtocolException(ProtocolError error, string? reference = null) : Exception(error.Message)
{
    public ProtocolError Error { get; } = error;

    /// <summary>The ref of the frame, when it had a valid one.</summary>
    public string? Ref { get; } = reference;
}
