using Microsoft.Extensions.Options;

namespace OrleansChat.Gateway;

/// <summary>
/// PROTOCOL.md 3.4: every connection's frames are limited as a whole (<c>RateLimit:FramesPerSecond</c>, burst
/// <c>RateLimit:FrameBurst</c>), whatever their type, so that no frame (typing, ping, watch_presence) can be sent
/// in a flood. Each connection holds its own bucket.
/// </summary>
public sealed class FrameRateLimiter(IOptions<RateLimitOptions> options, TimeProvider time)
{
    public TokenBucket ForConnection() => new(options.Value.FramesPerSecond, options.Value.FrameBurst, time);
}
