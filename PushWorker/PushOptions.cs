namespace OrleansChat.PushWorker;

/// <summary>Which provider the worker hands notifications to.</summary>
public enum PushSenderKind
{
    /// <summary>Writes each notification to the log; for development.</summary>
    Log = 0,

    /// <summary>Firebase Cloud Messaging, HTTP v1 API.</summary>
    Fcm = 1,

    /// <summary>Apple Push Notification service over HTTP/2 with token authentication.</summary>
    Apns = 2,

    /// <summary>Web Push (RFC 8030) with VAPID (RFC 8292) and aes128gcm payloads (RFC 8291).</summary>
    WebPush = 3,
}

/// <summary>The push worker, bound from the <c>Push</c> configuration section.</summary>
public sealed class PushOptions
{
    public const string SectionName = "Push";

    public PushSenderKind Sender { get; set; } = PushSenderKind.Log;

    /// <summary>The most outbox rows one claim takes.</summary>
    public int BatchSize { get; set; } = 50;

    /// <summary>
    /// How long a claim holds its rows. A worker sends nothing from a batch whose claim is about to end
    /// (less than <see cref="SendTimeout"/> left); a crashed worker's rows become claimable when it ends.
    /// </summary>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long the worker waits before claiming again when the last claim found less than a full batch.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Recipients served at once within a batch (one recipient's rows go out in order).</summary>
    public int MaxConcurrentSends { get; set; } = 8;

    /// <summary>How long one request to a provider may take.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Failed attempts after which a row is dead-lettered (kept, never claimed again).</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The delay after the first failed attempt; it doubles with each further one, with jitter.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest delay between attempts that backoff alone gives (a provider's Retry-After may ask for more).</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(10);

    public FcmOptions Fcm { get; set; } = new();

    public ApnsOptions Apns { get; set; } = new();

    public WebPushOptions WebPush { get; set; } = new();
}

/// <summary>FCM HTTP v1: <c>POST {Endpoint}/v1/projects/{ProjectId}/messages:send</c> with a service account's OAuth2 token.</summary>
public sealed class FcmOptions
{
    /// <summary>The Firebase project; unset: the <c>project_id</c> of the credentials file.</summary>
    public string? ProjectId { get; set; }

    /// <summary>A service-account JSON key file; its <c>token_uri</c> is where access tokens come from.</summary>
    public string? CredentialsFile { get; set; }

    public Uri Endpoint { get; set; } = new("https://fcm.googleapis.com");
}

/// <summary>APNs with token authentication: an ES256 JWT signed by a .p8 key.</summary>
public sealed class ApnsOptions
{
    /// <summary>The .p8 signing key downloaded from the Apple developer account (PKCS#8 PEM).</summary>
    public string? KeyFile { get; set; }

    /// <summary>The key's 10-character id.</summary>
    public string? KeyId { get; set; }

    /// <summary>The 10-character team id.</summary>
    public string? TeamId { get; set; }

    /// <summary>The app's bundle id, sent as <c>apns-topic</c>.</summary>
    public string? Topic { get; set; }

    /// <summary>Production by default; <c>https://api.sandbox.push.apple.com</c> for development builds.</summary>
    public Uri Endpoint { get; set; } = new("https://api.push.apple.com");
}

/// <summary>Web Push with VAPID; browsers subscribe with <see cref="PublicKey"/> as <c>applicationServerKey</c>.</summary>
public sealed class WebPushOptions
{
    /// <summary>A <c>mailto:</c> or <c>https:</c> contact the push services may use (the JWT's <c>sub</c>).</summary>
    public string? Subject { get; set; }

    /// <summary>The VAPID public key: the uncompressed P-256 point (65 bytes), base64url.</summary>
    public string? PublicKey { get; set; }

    /// <summary>The VAPID private key: the P-256 scalar (32 bytes), base64url.</summary>
    public string? PrivateKey { get; set; }

    /// <summary>How long a push service keeps an undelivered message (the <c>TTL</c> header).</summary>
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromDays(1);
}
