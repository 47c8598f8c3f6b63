namespace OrleansChat.Persistence;

/// <summary>Where and how the silo stores messages, push-outbox rows and grain state.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>The folder that holds <c>chat.db</c>; created when missing.</summary>
    public string DataDirectory { get; set; } = "./data";

    /// <summary>
    /// The most messages one append transaction holds. Appends from many rooms that arrive while a
    /// transaction is being written are merged into the next one, up to this many messages; a single
    /// call larger than this is written alone.
    /// </summary>
    public int MaxMessagesPerTransaction { get; set; } = 2000;

    /// <summary>How long a statement waits for another connection's write lock before it fails.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
