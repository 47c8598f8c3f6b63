namespace OrleansChat.Client;

/// <summary>An <c>ack</c>: the message is durably stored at <paramref name="Seq"/> (PROTOCOL.md 3.2).</summary>
public readonly record struct Ack(string ChatId, string ClientMsgId, long Seq, string MessageId, string SentAt);

/// <summary>One chat of a <c>synced</c> reply: the last seq the sync reached and whether more are left.</summary>
public readonly record struct SyncedChat(string ChatId, long LastSeq, bool HasMore);

/// <summary>A chat and the last seq its reader holds, for a <c>sync</c>.</summary>
public readonly record struct SyncCursor(string ChatId, long AfterSeq);

/// <summary>
/// The server answered a request with an <c>error</c> frame (PROTOCOL.md 3.4), or a REST call with problem details
/// (PROTOCOL.md 4), whose HTTP status is then in <see cref="Status"/>.
/// </summary>
public sealed class ChatErrorException(string code, string message, long? retryAfterMs = null, int? status = null)
    : Exception($"{code}: {message}")
{
    /// <summary>One of PROTOCOL.md 3.4's codes: <c>bad_request</c>, <c>forbidden</c>, <c>rate_limited</c>, ...</summary>
    public string Code { get; } = code;

    /// <summary>For <c>rate_limited</c>: when to try again.</summary>
    public long? RetryAfterMs { get; } = retryAfterMs;

    /// <summary>The HTTP status of a REST answer (413, 415, 404, ...); null for an <c>error</c> frame.</summary>
    public int? Status { get; } = status;

    /// <summary>Whether the same request may succeed later (PROTOCOL.md 3.4's "retry?" column).</summary>
    public bool IsTransient => Code is "rate_limited" or "unavailable";
}

/// <summary>The connection ended (or never opened) before the request was answered.</summary>
public sealed class ChatConnectionException : Exception
{
    public ChatConnectionException(string message) : base(message)
    {
    }

    public ChatConnectionException(string message, Exception? inner) : base(message, inner)
    {
    }
}
