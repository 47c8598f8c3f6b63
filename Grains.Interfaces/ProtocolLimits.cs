namespace OrleansChat;

/// <summary>Limits fixed by PROTOCOL.md: they are part of the protocol, not configuration.</summary>
public static class ProtocolLimits
{
    public const int MaxContentLength = 4000;
    public const int MaxFrameBytes = 64 * 1024;
    public const int MaxRefLength = 64;
    public const int MaxPageSize = 500;
    public const int DefaultHistoryPageSize = 50;
    public const int DefaultSyncPageSize = 100;
    public const int MaxWatchedUsers = 500;
    public const int MaxAttachments = 10;

    /// <summary>Members see at most one change of a user's typing state per chat in this time (PROTOCOL.md 3.4).</summary>
    public static readonly TimeSpan TypingChangeInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The length of a text as PROTOCOL.md 1 counts it: Unicode code points, so an emoji made of a surrogate pair is
    /// one character, not the two UTF-16 units <see cref="string.Length"/> counts.
    /// </summary>
    public static int CodePoints(string value)
    {
        var count = value.Length;
        for (var i = 1; i < value.Length; i++)
        {
            if (char.IsLowSurrogate(value[i]) && char.IsHighSurrogate(value[i - 1]))
            {
                count--;
            }
        }

        return count;
    }

    /// <summary>Whether a text is at most <paramref name="maxCharacters"/> code points long.</summary>
    public static bool IsWithinLength(string value, int maxCharacters) =>
        value.Length <= maxCharacters || CodePoints(value) <= maxCharacters;
}
