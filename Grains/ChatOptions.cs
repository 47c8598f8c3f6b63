namespace OrleansChat.Grains;

/// <summary>The limits and timings of chats, bound from the <c>Chat</c> configuration section; checked at start by <see cref="ChatOptionsValidator"/>.</summary>
public sealed class ChatOptions
{
    public const string SectionName = "Chat";

    /// <summary>Members of a group chat, its owner included.</summary>
    public int MaxGroupMembers { get; set; } = 1000;

    public int MaxTitleLength { get; set; } = 200;

    /// <summary>A <c>typing start</c> without a <c>stop</c> ends by itself after this long.</summary>
    public int TypingTimeoutSeconds { get; set; } = 6;

    /// <summary>How long a room remembers a client message id in memory; the store's unique key backs it for good.</summary>
    public int IdempotencyWindowHours { get; set; } = 24;

    /// <summary>Client message ids a room keeps in memory; older ones are answered from the store.</summary>
    public int IdempotencyCacheSize { get; set; } = 4096;

    /// <summary>Rows whose kind, sender and deleted flag a room keeps in memory to check changes to them without a store read; 0: none.</summary>
    public int RecentTargets { get; set; } = 256;

    /// <summary>Messages a room writes in one store call at the most.</summary>
    public int MaxBatchSize { get; set; } = 512;

    /// <summary>How long a gateway's subscription to a room or a user lasts unless renewed.</summary>
    public int ObserverLeaseSeconds { get; set; } = 120;

    public int MaxDevicesPerUser { get; set; } = 20;

    /// <summary>Users one user may block; every room the user is in holds a copy of the list.</summary>
    public int MaxBlockedUsers { get; set; } = 1000;

    public TimeSpan TypingTimeout => TimeSpan.FromSeconds(TypingTimeoutSeconds);

    public TimeSpan IdempotencyWindow => TimeSpan.FromHours(IdempotencyWindowHours);

    public TimeSpan ObserverLease => TimeSpan.FromSeconds(ObserverLeaseSeconds);
}
