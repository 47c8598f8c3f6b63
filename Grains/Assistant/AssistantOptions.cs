namespace OrleansChat.Grains.Assistant;

/// <summary>The assistant's settings, bound from <c>Assistant</c> (DESIGN.md 8: these key names exactly).</summary>
public sealed class AssistantOptions
{
    public const string SectionName = "Assistant";

    /// <summary>The assistant's user id: direct chats with it and groups that mention it start jobs.</summary>
    public string UserId { get; set; } = "assistant";

    /// <summary>Providers in fallback order; none configured means one <c>Builtin</c>.</summary>
    public List<AssistantProviderOptions> Providers { get; set; } = [];

    /// <summary>Attempts before a job is dead-lettered.</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>The delay before the second attempt; it doubles per attempt, with jitter, up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The chat's last text messages sent to a provider as context.</summary>
    public int ContextMessages { get; set; } = 20;

    /// <summary>Jobs one user may start per minute; over it the message is stored and its job fails with <c>rate_limited</c>.</summary>
    public int JobsPerMinute { get; set; } = 10;

    /// <summary>How long finished jobs are kept.</summary>
    public TimeSpan JobRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Jobs one silo generates at once; more wait for a slot.</summary>
    public int MaxConcurrentJobs { get; set; } = 200;

    /// <summary>A reply longer than this is cut here (a stored message's content limit is 4,000 characters).</summary>
    public int MaxOutputCharacters { get; set; } = 4000;
}

/// <summary>One entry of <c>Assistant:Providers</c>.</summary>
public sealed class AssistantProviderOptions
{
    /// <summary><c>OpenAI</c> (any OpenAI-compatible base address), <c>Anthropic</c>, or <c>Builtin</c>.</summary>
    public string Kind { get; set; } = "Builtin";

    /// <summary>The base address; requests go to <c>{Endpoint}/chat/completions</c> for <c>OpenAI</c>.</summary>
    public string? Endpoint { get; set; }

    public string? Model { get; set; }

    /// <summary>The key itself; never logged. <see cref="ApiKeyFile"/> reads it from a file instead (a mounted secret).</summary>
    public string? ApiKey { get; set; }

    public string? ApiKeyFile { get; set; }

    /// <summary>How long the provider may take to its first delta, and between deltas.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries of a request that failed before its first delta (on 429, 5xx, timeouts), before the next provider.</summary>
    public int Retries { get; set; } = 1;

    /// <summary>Failures (at least half of the provider's recent requests) that open its circuit; while open it is skipped.</summary>
    public int BreakAfterFailures { get; set; } = 5;

    /// <summary>How long an open circuit stays open before one request may try the provider again.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);
}
