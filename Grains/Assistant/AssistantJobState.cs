namespace OrleansChat.Grains.Assistant;

/// <summary>A job as it is persisted: the message it answers, where it stands, and what it wrote so far.</summary>
[GenerateSerializer]
[Alias("chat.AssistantJobState")]
public sealed class AssistantJobState
{
    /// <summary>False until <c>Start</c>, and again once the job is removed after its retention.</summary>
    [Id(0)] public bool Exists { get; set; }

    [Id(1)] public string ChatId { get; set; } = "";

    [Id(2)] public long Seq { get; set; }

    [Id(3)] public Guid MessageId { get; set; }

    [Id(4)] public string RequesterId { get; set; } = "";

    [Id(5)] public string Prompt { get; set; } = "";

    [Id(6)] public AssistantJobStatus Status { get; set; }

    /// <summary>Attempts begun, resumed ones included: the next attempt's number is one more.</summary>
    [Id(7)] public int Attempts { get; set; }

    [Id(8)] public string? Provider { get; set; }

    /// <summary>The current attempt's text so far; persisted only with the job's other changes, not per chunk.</summary>
    [Id(9)] public string Partial { get; set; } = "";

    [Id(10)] public long? ResultSeq { get; set; }

    [Id(11)] public string? Error { get; set; }

    [Id(12)] public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The last change; for a final job, when it ended.</summary>
    [Id(13)] public DateTimeOffset UpdatedAt { get; set; }

    public static AssistantJobState For(AssistantJobStart start, DateTimeOffset now) => new()
    {
        Exists = true,
        ChatId = start.ChatId,
        Seq = start.Seq,
        MessageId = start.MessageId,
        RequesterId = start.RequesterId,
        Prompt = start.Content,
        Status = AssistantJobStatus.Created,
        CreatedAt = now,
        UpdatedAt = now,
    };

    public bool IsFinal => AssistantJobStatuses.IsFinal(Status);

    public AssistantJob View(string jobId) =>
        new(jobId, ChatId, Seq, Status, Attempts, Provider, Partial, ResultSeq, Error, CreatedAt, UpdatedAt);
}
