namespace OrleansChat;

/// <summary>The failure classes of PROTOCOL.md 3.4, raised by grains and mapped to frames and problem details at the edge.</summary>
[GenerateSerializer]
[Alias("chat.ChatErrorCode")]
public enum ChatErrorCode
{
    BadRequest = 0,
    TooLarge = 1,
    Unauthorized = 2,
    Forbidden = 3,
    NotFound = 4,
    Conflict = 5,
    RateLimited = 6,
    Unavailable = 7,
    Internal = 8,
}

/// <summary>A rule of the chat was broken; the request changed nothing.</summary>
[GenerateSerializer]
[Alias("chat.ChatException")]
public sealed class ChatException : Exception
{
    public ChatException(ChatErrorCode code, string message)
        : base(message) => Code = code;

    [Id(0)]
    public ChatErrorCode Code { get; }

    public static ChatException BadRequest(string message) => new(ChatErrorCode.BadRequest, message);

    public static ChatException Forbidden(string message) => new(ChatErrorCode.Forbidden, message);

    public static ChatException NotFound(string message) => new(ChatErrorCode.NotFound, message);

    public static ChatException Conflict(string message) => new(ChatErrorCode.Conflict, message);

    public static ChatException Unavailable(string message) => new(ChatErrorCode.Unavailable, message);
}

/// <summary>
/// A rule a request broke, as a value: the failure class and what the client is told. A caller that answers many
/// requests at once (a batch of sends) reports it without throwing; one that answers a single request throws it.
/// </summary>
public sealed record RuleViolation(ChatErrorCode Code, string Message)
{
    public ChatException ToException() => new(Code, Message);
}
