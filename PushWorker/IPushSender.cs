namespace OrleansChat.PushWorker;

/// <summary>Hands one notification to one device's provider (FCM, APNs, a Web Push service, the log).</summary>
public interface IPushSender
{
    /// <summary>Whether this sender can reach devices of <paramref name="platform"/>.</summary>
    bool Supports(DevicePlatform platform);

    /// <summary>
    /// Sends and says what came of it. Network failures may throw; the worker treats them as transient.
    /// </summary>
    Task<PushResult> SendAsync(PushNotification notification, Device device, CancellationToken cancellationToken);
}

public enum PushOutcome
{
    /// <summary>The provider accepted the notification.</summary>
    Delivered = 0,

    /// <summary>The provider says the device's token is no longer valid: the device is removed from its user.</summary>
    DeviceGone = 1,

    /// <summary>Worth trying again later (throttling, provider errors, timeouts).</summary>
    Transient = 2,

    /// <summary>Will never succeed as it is (a malformed request, a misconfiguration): dead-lettered at once.</summary>
    Rejected = 3,
}

/// <summary>What came of one send; <see cref="RetryAfter"/> is the provider's own wish for a transient failure.</summary>
public readonly record struct PushResult(PushOutcome Outcome, string? Reason = null, TimeSpan? RetryAfter = null)
{
    public static PushResult Delivered { get; } = new(PushOutcome.Delivered);

    public static PushResult DeviceGone(string reason) => new(PushOutcome.DeviceGone, reason);

    public static PushResult Transient(string reason, TimeSpan? retryAfter = null) => new(PushOutcome.Transient, reason, retryAfter);

    public static PushResult Rejected(string reason) => new(PushOutcome.Rejected, reason);
}
