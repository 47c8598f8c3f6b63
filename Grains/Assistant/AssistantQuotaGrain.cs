using Microsoft.Extensions.Options;

namespace OrleansChat.Grains.Assistant;

/// <summary>
/// One user's assistant jobs per minute (<c>Assistant:JobsPerMinute</c>), keyed by user id: a place of its own that
/// outlives each job, so that every job of the user counts against the same window.
/// </summary>
[Alias("chat.IAssistantQuotaGrain")]
public interface IAssistantQuotaGrain : IGrainWithStringKey
{
    /// <summary>Takes one job from the user's window; false when the window is full.</summary>
    [Alias("TryTake")]
    Task<bool> TryTake();
}

/// <summary>
/// A sliding window of the starts of the last minute, kept in memory: losing it with the activation only forgives a
/// minute's jobs, while persisting it would cost a write per job.
/// </summary>
internal sealed class AssistantQuotaGrain(IOptions<AssistantOptions> options, TimeProvider time) : Grain, IAssistantQuotaGrain
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly Queue<DateTimeOffset> _starts = new();

    public Task<bool> TryTake()
    {
        var now = time.GetUtcNow();
        while (_starts.Count > 0 && now - _starts.Peek() >= Window)
        {
            _starts.Dequeue();
        }

        if (_starts.Count >= options.Value.JobsPerMinute)
        {
            return Task.FromResult(false);
        }

        _starts.Enqueue(now);
        return Task.FromResult(true);
    }
}
