using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace OrleansChat.Gateway;

/// <summary>The per-user send limit: a <see cref="TokenBucket"/> per user, refilled smoothly at <c>SendsPerSecond</c>.</summary>
public sealed class SendRateLimiter(IOptions<RateLimitOptions> options, TimeProvider time)
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    private readonly RateLimitOptions _options = options.Value;
    private readonly TimeProvider _time = time;
    private readonly ConcurrentDictionary<string, TokenBucket> _buckets = new(StringComparer.Ordinal);
    private long _lastSweep = time.GetTimestamp();

    /// <summary>Takes one send from the user's bucket; when it is empty, says how long until there is one.</summary>
    public bool TryAcquire(string userId, out TimeSpan retryAfter)
    {
        SweepWhenDue();
        var bucket = _buckets.GetOrAdd(userId, static (_, self) => new TokenBucket(self._options.SendsPerSecond, self._options.Burst, self._time), this);
        return bucket.TryTake(out retryAfter);
    }

    /// <summary>
    /// A full bucket is the same as none, so dropping full ones keeps memory to the users who sent lately. A send that
    /// races with the sweep of its bucket may get one send more than the burst, once.
    /// </summary>
    private void SweepWhenDue()
    {
        var last = Interlocked.Read(ref _lastSweep);
        if (_time.GetElapsedTime(last) < SweepInterval || Interlocked.CompareExchange(ref _lastSweep, _time.GetTimestamp(), last) != last)
        {
            return;
        }

        foreach (var entry in _buckets)
        {
            if (entry.Value.IsFull)
            {
                _buckets.TryRemove(entry);
            }
        }
    }
}
