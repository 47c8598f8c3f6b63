using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace OrleansChat.Gateway;

/// <summary>The per-user send limit: a token bucket per user, refilled smoothly at <c>SendsPerSecond</c>.</summary>
public sealed class SendRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public SendRateLimiter(IOptions<RateLimitOptions> options)
    {
        var o = options.Value;

        // One token every 1/rate seconds (at the timer's 100 ms granularity, several at once), up to the burst.
        var period = TimeSpan.FromSeconds(Math.Max(0.1, 1.0 / o.SendsPerSecond));
        var tokensPerPeriod = Math.Max(1, (int)Math.Round(o.SendsPerSecond * period.TotalSeconds));
        _limiter = PartitionedRateLimiter.Create<string, string>(userId => RateLimitPartition.GetTokenBucketLimiter(
            userId,
            _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = o.Burst,
                TokensPerPeriod = tokensPerPeriod,
                ReplenishmentPeriod = period,
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
    }

    /// <summary>Takes one send from the user's bucket; when it is empty, says how long until there is one.</summary>
    public bool TryAcquire(string userId, out TimeSpan retryAfter)
    {
        using var lease = _limiter.AttemptAcquire(userId);
        if (lease.IsAcquired)
        {
            retryAfter = TimeSpan.Zero;
            return true;
        }

        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
        return false;
    }

    public void Dispose() => _limiter.Dispose();
}
