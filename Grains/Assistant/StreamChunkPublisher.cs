using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Streams;

namespace OrleansChat.Grains.Assistant;

/// <summary>
/// Puts chunks on their chat's stream (<see cref="AssistantStreams"/>), which the gateways of the chat's members
/// subscribe to. Best effort: a chunk that cannot be published is logged and dropped, the job goes on, and the stored
/// reply (and the job's <c>partial</c>) stays the truth.
/// </summary>
public sealed partial class StreamChunkPublisher(
    [FromKeyedServices(AssistantStreams.ProviderName)] IStreamProvider streams,
    ILogger<StreamChunkPublisher> logger) : IChunkPublisher
{
    public async Task PublishAsync(IReadOnlyList<AssistantChunk> chunks)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        if (chunks.Count == 0)
        {
            return;
        }

        var first = chunks[0];
        try
        {
            // One queue message and one delivery per gateway for the whole batch; subscribers still see chunk by chunk.
            await streams.GetStream<AssistantChunk>(StreamId.Create(AssistantStreams.Namespace, first.ChatId)).OnNextBatchAsync(chunks);
        }
        catch (Exception ex)
        {
            LogPublishFailed(ex, first.JobId, first.Attempt, first.Index, chunks.Count);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing {Count} chunks from {Index} of attempt {Attempt} of job {JobId} failed; dropped")]
    private partial void LogPublishFailed(Exception exception, string jobId, int attempt, int index, int count);
}
