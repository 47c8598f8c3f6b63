namespace OrleansChat.Gateway;

/// <summary>The gateway's settings, bound from the <c>Gateway</c> configuration section; checked at start by <see cref="GatewayOptionsValidator"/>.</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>Whether a silo process also serves the gateway endpoints.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Announced in <c>welcome</c>; the socket is pinged this often and a session missing two is over.</summary>
    public int HeartbeatSeconds { get; set; } = 25;

    /// <summary>Frames queued for one connection before it counts as not reading and is closed with 4008.</summary>
    public int SendQueueLimit { get; set; } = 1024;

    /// <summary>
    /// Sends one connection may have waiting for their acks; a client that sends more is not read from until an
    /// earlier send is answered.
    /// </summary>
    public int MaxSendsInFlight { get; set; } = 64;

    /// <summary>How long a live message waits for an earlier seq that has not arrived before it is delivered anyway.</summary>
    public int ReorderWaitMilliseconds { get; set; } = 500;

    /// <summary>
    /// Frames of one connection written together, then flushed once: those already queued, never waiting for more.
    /// </summary>
    public int MaxFramesPerWrite { get; set; } = 64;

    /// <summary>How long a closing connection may take to flush and close before it is aborted.</summary>
    public int CloseTimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// Distinct users one connection may watch with <c>watch_presence</c> over its life; each one is a user grain the
    /// cluster keeps active for it. Direct-chat peers, watched by the gateway itself, do not count.
    /// </summary>
    public int MaxWatchedUsersPerConnection { get; set; } = 1000;

    /// <summary>Largest REST request body.</summary>
    public int MaxRequestBodyBytes { get; set; } = 64 * 1024;

    public TimeSpan HeartbeatInterval => TimeSpan.FromSeconds(HeartbeatSeconds);
}

/// <summary>The per-user send limit and the per-connection frame limit, bound from the <c>RateLimit</c> configuration section; checked at start by <see cref="RateLimitOptionsValidator"/>.</summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimit";

    public int SendsPerSecond { get; set; } = 20;

    public int Burst { get; set; } = 50;

    /// <summary>Frames of any type one connection may send per second, on average (PROTOCOL.md 3.4).</summary>
    public int FramesPerSecond { get; set; } = 50;

    /// <summary>Frames one connection may send at once, after a quiet while.</summary>
    public int FrameBurst { get; set; } = 100;
}
