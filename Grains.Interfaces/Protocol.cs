namespace OrleansChat;

/// <summary>Limits fixed by PROTOCOL.md: they are part of the protocol, not configuration.</summary>
public static class Protocol
{
    public const int MaxContentLength = 4000;
    public const int MaxFrameBytes = 64 * 1024;
    public const int MaxRefLength = 64;
    public const int MaxPageSize = 500;
    public const int DefaultHistoryPageSize = 50;
    public const int DefaultSyncPageSize = 100;
    public const int MaxWatchedUsers = 500;

    /// <summary>Members see at most one change of a user's typing state per chat in this time (PROTOCOL.md 3.4).</summary>
    public static readonly TimeSpan TypingChangeInterval = TimeSpan.FromSeconds(1);
}
