namespace OrleansChat.PushWorker;

/// <summary>When a failed row is tried again: exponential backoff with jitter, and never sooner than the provider asked.</summary>
internal static class Backoff
{
    /// <param name="attempt">The failed attempt's number, from 1.</param>
    /// <param name="retryAfter">The provider's Retry-After, when it gave one.</param>
    /// <param name="jitter">A value in [0, 1).</param>
    public static TimeSpan Delay(int attempt, TimeSpan initial, TimeSpan max, TimeSpan? retryAfter, double jitter)
    {
        var exponent = Math.Min(Math.Max(attempt - 1, 0), 30);
        var ticks = Math.Min(initial.Ticks * Math.Pow(2, exponent), max.Ticks);

        // Equal jitter: half the delay is fixed, the other half random, so retries spread but never bunch at zero.
        var delay = TimeSpan.FromTicks((long)(ticks / 2 + (ticks / 2 * jitter)));
        return retryAfter is { } wished && wished > delay ? wished : delay;
    }
}
