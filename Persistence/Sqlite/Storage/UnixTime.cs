namespace OrleansChat.Persistence.Sqlite;

/// <summary>Times are stored as Unix milliseconds (UTC).</summary>
internal static class UnixTime
{
    public static long ToMilliseconds(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromMilliseconds(long milliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);

    /// <summary>The time as the store gives it back: millisecond precision, UTC.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset time) => FromMilliseconds(ToMilliseconds(time));
}
