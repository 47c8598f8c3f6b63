namespace OrleansChat;

/// <summary>A job's status as PROTOCOL.md 9 names it (<see cref="AssistantJobStatuses.Name"/> gives the wire name).</summary>
[GenerateSerializer]
[Alias("chat.AssistantJobStatus")]
public enum AssistantJobStatus
{
    Created = 0,
    Processing = 1,
    Streaming = 2,
    Completed = 3,

    /// <summary>Ended without an attempt: over a limit (<c>rate_limited</c>), or the chat no longer allows the reply.</summary>
    Failed = 4,

    /// <summary>Every attempt failed (<c>Assistant:MaxAttempts</c>); kept for inspection with its error.</summary>
    DeadLettered = 5,
    Cancelled = 6,
}

public static class AssistantJobStatuses
{
    public static string Name(AssistantJobStatus status) => status switch
    {
        AssistantJobStatus.Created => "created",
        AssistantJobStatus.Processing => "processing",
        AssistantJobStatus.Streaming => "streaming",
        AssistantJobStatus.Completed => "completed",
        AssistantJobStatus.Failed => "failed",
        AssistantJobStatus.DeadLettered => "dead_lettered",
        AssistantJobStatus.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>Whether nothing more happens to a job in this status.</summary>
    public static bool IsFinal(AssistantJobStatus status) =>
        status is AssistantJobStatus.Completed or AssistantJobStatus.Failed
            or AssistantJobStatus.DeadLettered or AssistantJobStatus.Cancelled;
}

public static class AssistantJobIds
{
    /// <summary>The job a message starts: one per message, so a repeated send answers the same job.</summary>
    public static string For(Guid messageId) => "j" + messageId.ToString("N");

    /// <summary>The client message id of the job's reply: a retried or resumed job stores its reply once.</summary>
    public static string ReplyClientMsgId(string jobId) => "assistant-reply-" + jobId;
}

/// <summary>What the room hands a job: the stored message that asks for a reply.</summary>
[GenerateSerializer, Immutable]
[Alias("chat.AssistantJobStart")]
public sealed record AssistantJobStart(
    [property: Id(0)] string ChatId,
    [property: Id(1)] long Seq,
    [property: Id(2)] Guid MessageId,
    [property: Id(3)] string RequesterId,
    [property: Id(4)] string Content,
    [property: Id(5)] DateTimeOffset SentAt);

/// <summary>A job as <c>GET /api/v1/jobs/{jobId}</c> shows it (PROTOCOL.md 9).</summary>
[GenerateSerializer, Immutable]
[Alias("chat.AssistantJob")]
public sealed record AssistantJob(
    [property: Id(0)] string JobId,
    [property: Id(1)] string ChatId,
    [property: Id(2)] long Seq,
    [property: Id(3)] AssistantJobStatus Status,
    [property: Id(4)] int Attempts,
    [property: Id(5)] string? Provider,
    [property: Id(6)] string Partial,
    [property: Id(7)] long? ResultSeq,
    [property: Id(8)] string? Error,
    [property: Id(9)] DateTimeOffset CreatedAt,
    [property: Id(10)] DateTimeOffset UpdatedAt);

/// <summary>
/// A piece of a reply as it is generated: published on the chat's stream (<see cref="AssistantStreams"/>) and sent to
/// members' connections as a <c>chunk</c> frame. <see cref="Index"/> counts from 0 per <see cref="Attempt"/>.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("chat.AssistantChunk")]
public sealed record AssistantChunk(
    [property: Id(0)] string ChatId,
    [property: Id(1)] string JobId,
    [property: Id(2)] int Attempt,
    [property: Id(3)] int Index,
    [property: Id(4)] string Delta);

/// <summary>Where chunks travel: one Orleans stream per chat, keyed by chat id in this namespace (DESIGN.md 7a).</summary>
public static class AssistantStreams
{
    /// <summary>The stream provider's name on silos and gateways (memory streams).</summary>
    public const string ProviderName = "assistant";

    public const string Namespace = "chunks";

    /// <summary>The grain storage name Orleans' pub-sub keeps subscriptions in.</summary>
    public const string PubSubStorageName = "PubSubStore";
}
