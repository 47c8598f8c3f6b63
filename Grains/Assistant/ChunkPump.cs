namespace OrleansChat.Grains.Assistant;

/// <summary>
/// Publishes one attempt's chunks in order with at most one publish in flight: the chunks that arrive meanwhile go
/// together in the next one. A chunk never waits for a timer: alone it goes at once, and under load (many jobs, a busy
/// silo) chunks travel as one stream event per batch instead of one each. Used on the job grain's scheduler only.
/// </summary>
internal sealed class ChunkPump(IChunkPublisher? publisher)
{
    private List<AssistantChunk> _waiting = [];
    private Task _publishing = Task.CompletedTask;

    public void Add(AssistantChunk chunk)
    {
        if (publisher is null)
        {
            return;
        }

        _waiting.Add(chunk);
        if (_publishing.IsCompleted)
        {
            _publishing = PublishWaitingAsync(publisher);
        }
    }

    /// <summary>Completes when every chunk added so far has been handed to the publisher.</summary>
    public Task DrainAsync() => _publishing;

    private async Task PublishWaitingAsync(IChunkPublisher to)
    {
        while (_waiting.Count > 0)
        {
            var batch = _waiting;
            _waiting = [];

            // Best effort: the publisher logs and drops what it cannot publish, and the stored reply stays the truth.
            await to.PublishAsync(batch);
        }
    }
}
