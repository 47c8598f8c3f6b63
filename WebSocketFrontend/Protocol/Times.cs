using System.Globalization;

namespace OrleansChat.Gateway.Protocol;

/// <summary>PROTOCOL.md's time format: ISO 8601 UTC with milliseconds, <c>2026-11-22T10:00:00.123Z</c>.</summary>
public static class Times
{
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public static string ToWire(DateTimeOffset time) => time.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);
}
