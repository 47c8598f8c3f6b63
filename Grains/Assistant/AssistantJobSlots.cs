using Microsoft.Extensions.Options;

namespace OrleansChat.Grains.Assistant;

/// <summary>
/// The silo's generation slots (<c>Assistant:MaxConcurrentJobs</c>): a job holds one while it asks its provider, and
/// jobs beyond the limit wait for one in their current status.
/// </summary>
public sealed class AssistantJobSlots(IOptions<AssistantOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrentJobs, options.Value.MaxConcurrentJobs);

    /// <summary>A slot, released by disposing the answer.</summary>
    public async Task<IDisposable> TakeAsync(CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        return new Slot(_slots);
    }

    public void Dispose() => _slots.Dispose();

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release();
            }
        }
    }
}
