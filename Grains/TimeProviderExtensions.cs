namespace OrleansChat.Grains;

internal static class TimeProviderExtensions
{
    /// <summary>Now, to the millisecond: what clients see and what the store keeps are the same instant.</summary>
    public static DateTimeOffset UtcNowToTheMillisecond(this TimeProvider time)
    {
        var now = time.GetUtcNow();
        return new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
    }
}
