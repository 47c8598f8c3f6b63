namespace OrleansChat.Grains.Assistant;

/// <summary>
/// The providers behind the assistant, in configured order (<c>Assistant:Providers</c>), each with its timeout, retries
/// and circuit breaker. A job asks once per attempt; the providers read the chat's context themselves.
/// </summary>
public interface IAssistantReplies
{
    /// <summary>
    /// The reply to <paramref name="request"/> as it is generated. Attempt 1 starts at the first provider, and each
    /// further attempt at the next one; a provider that fails before its first delta hands over to the next in the same
    /// attempt. A failure once deltas have flowed ends the attempt with <see cref="AssistantProviderException"/>.
    /// </summary>
    IAsyncEnumerable<AssistantReplyUpdate> StreamAsync(AssistantRequest request, CancellationToken cancellationToken);
}

/// <summary>What a job asks for: a reply in <see cref="ChatId"/> to the message at <see cref="Seq"/>.</summary>
public sealed record AssistantRequest(string JobId, string ChatId, long Seq, string RequesterId, string Prompt, int Attempt);

/// <summary>A piece of the reply and the provider (its configured name) that wrote it.</summary>
public readonly record struct AssistantReplyUpdate(string Provider, string Delta);

/// <summary>
/// No provider could give a reply in this attempt. <see cref="Code"/> is what the job's <c>error</c> shows
/// (<c>unavailable</c>, <c>rate_limited</c>, <c>bad_response</c>, <c>timeout</c>); <see cref="RetryAfter"/> a provider's hint.
/// </summary>
public sealed class AssistantProviderException(string code, string message, TimeSpan? retryAfter = null, Exception? inner = null)
    : Exception(message, inner)
{
    public string Code { get; } = code;

    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>Sends a reply's chunks to the gateways of the chat's members, best effort (DESIGN.md 7a).</summary>
public interface IChunkPublisher
{
    /// <summary>Publishes consecutive chunks of one job, in order, as one event; never throws.</summary>
    Task PublishAsync(IReadOnlyList<AssistantChunk> chunks);
}
