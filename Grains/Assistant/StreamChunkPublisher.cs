using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Streams;

namespace OrleansChat.Grains.Assistant;

/// <summary>
/// Puts each chunk on its chat's stream (<see cref="AssistantStreams"/>), which the gateways of the chat's members
/// subscribe to. Best effort: a chunk that cannot be published is logged and dropped, the job goes on, and the stored
/// reply (and the job's <c>partial</c>) stays the truth.
/// </summary>
public sealed partial class StreamChunkPublisher(
    [FromKeyedServices(AssistantStreams.ProviderName)] IStreamProvider streams,
    ILogger<StreamChunkPublisher> logger) : IChunkPublisher
{
    public async Task PublishAsync(AssistantChunk chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        try
        {
            await streams.GetStream<AssistantChunk>(StreamId.Create(AssistantStreams.Namespace, chunk.ChatId)).OnNextAsync(chunk);
        }
        catch (Exception ex)
        {
            LogPublishFailed(ex, chunk.JobId, chunk.Attempt, chunk.Index);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing chunk {Index} of attempt {Attempt} of job {JobId} failed; dropped")]
    private partial void LogPublishFailed(Exception exception, string jobId, int attempt, int index);
}
