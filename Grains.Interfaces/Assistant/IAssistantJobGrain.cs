using Orleans.Concurrency;

namespace OrleansChat;

/// <summary>
/// One assistant reply (PROTOCOL.md 9), keyed by its job id (<see cref="AssistantJobIds.For"/>). Its state is persisted
/// and a reminder brings it back after a silo crash, so the reply is stored once, by a send whose client message id is
/// derived from the job id. It checks no membership: the gateway asks the room before it shows or stops a job.
/// </summary>
[Alias("chat.IAssistantJobGrain")]
public interface IAssistantJobGrain : IGrainWithStringKey
{
    /// <summary>
    /// Starts the job for a stored message and answers once its state is stored. A repeat answers the job as it is.
    /// The room calls it after the message is committed and before it acks; it never calls the room back inside.
    /// </summary>
    /// <remarks>
    /// Interleaves: a repeated message's start (which only reads) must not wait behind a <c>Cancel</c> that waits for the
    /// room, whose write loop waits for this start.
    /// </remarks>
    [Alias("Start")]
    [AlwaysInterleave]
    Task<AssistantJob> Start(AssistantJobStart start);

    /// <summary>The job, or null when no job has this id (never started, or removed after its retention).</summary>
    [Alias("GetJob")]
    [AlwaysInterleave]
    Task<AssistantJob?> GetJob();

    /// <summary>
    /// Stops the reply on behalf of a member: the text so far is stored with <c>stopped</c> and becomes the result (nothing
    /// is stored when there was none). Stopping a finished job changes nothing. Null when no job has this id.
    /// </summary>
    [Alias("Cancel")]
    Task<AssistantJob?> Cancel(string userId);
}
