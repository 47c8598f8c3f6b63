namespace OrleansChat.Gateway;

/// <summary>
/// A token bucket on a <see cref="TimeProvider"/>'s clock: it holds up to <c>burst</c> tokens and refills continuously
/// at <c>perSecond</c>; a take that finds less than one token is refused with the time until there is one. It needs no
/// timer, so one per connection costs only its fields. The gateway's rate limits (frames per connection, sends per user)
/// are all buckets of this kind.
/// </summary>
public sealed class TokenBucket
{
    private readonly double _perSecond;
    private readonly int _burst;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private double _tokens;
    private long _updated;

    public TokenBucket(double perSecond, int burst, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(burst);
        _perSecond = perSecond;
        _burst = burst;
        _time = time;
        _tokens = burst;
        _updated = time.GetTimestamp();
    }

    /// <summary>Whether the bucket is full again, so that forgetting it changes nothing.</summary>
    public bool IsFull
    {
        get
        {
            lock (_gate)
            {
                Refill();
                return _tokens >= _burst;
            }
        }
    }

    /// <summary>Takes one token; when there is none, says how long until there is one.</summary>
    public bool TryTake(out TimeSpan retryAfter)
    {
        lock (_gate)
        {
            Refill();
            if (_tokens >= 1)
            {
                _tokens -= 1;
                retryAfter = TimeSpan.Zero;
                return true;
            }

            retryAfter = TimeSpan.FromSeconds((1 - _tokens) / _perSecond);
            return false;
        }
    }

    private void Refill()
    {
        var now = _time.GetTimestamp();
        _tokens = Math.Min(_burst, _tokens + (_time.GetElapsedTime(_updated, now).TotalSeconds * _perSecond));
        _updated = now;
    }
}
