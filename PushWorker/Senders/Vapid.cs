using System.Buffers.Text;
using System.Security.Cryptography;

namespace OrleansChat.PushWorker.Senders;

/// <summary>
/// Voluntary application-server identification (RFC 8292): an ES256 JWT for the push service's origin, valid
/// 12 hours, in <c>Authorization: vapid t=&lt;jwt&gt;, k=&lt;public key&gt;</c>.
/// </summary>
public sealed class Vapid : IDisposable
{
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(12);

    private readonly ECDsa _key;
    private readonly string _subject;
    private readonly string _publicKey;

    /// <param name="subject">A <c>mailto:</c> or <c>https:</c> contact.</param>
    /// <param name="publicKey">The uncompressed P-256 point, base64url.</param>
    /// <param name="privateKey">The P-256 scalar, base64url.</param>
    public Vapid(string subject, string publicKey, string privateKey)
    {
        _subject = subject;
        _publicKey = publicKey;
        _key = ECDsa.Create(WebPushEncryption.PrivateKeyParameters(Base64Url.DecodeFromChars(privateKey), Base64Url.DecodeFromChars(publicKey)));
    }

    /// <summary>The <c>Authorization</c> header value for a push to <paramref name="endpoint"/>.</summary>
    public string Authorization(Uri endpoint, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var jwt = Es256Jwt.Create(
            new Dictionary<string, object> { ["typ"] = "JWT", ["alg"] = "ES256" },
            new Dictionary<string, object>
            {
                ["aud"] = endpoint.GetLeftPart(UriPartial.Authority),
                ["exp"] = (now + TokenLifetime).ToUnixTimeSeconds(),
                ["sub"] = _subject,
            },
            _key);
        return $"vapid t={jwt}, k={_publicKey}";
    }

    public void Dispose() => _key.Dispose();
}
