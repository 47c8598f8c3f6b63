using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace OrleansChat.Gateway.Auth;

/// <summary>
/// The HS256 key that signs and checks tokens: <c>Auth:SigningKey</c>, or a random one made at start (tokens
/// then die with the process, and other processes reject them), with a warning.
/// </summary>
public sealed partial class TokenKeys
{
    public const int MinimumKeyBytes = 32;

    public TokenKeys(IOptions<AuthOptions> options, ILogger<TokenKeys> logger)
    {
        var configured = options.Value.SigningKey;
        byte[] key;
        if (string.IsNullOrEmpty(configured))
        {
            key = RandomNumberGenerator.GetBytes(MinimumKeyBytes);
            LogGeneratedKey(logger);
        }
        else
        {
            // AuthOptionsValidator has checked its length.
            key = Encoding.UTF8.GetBytes(configured);
        }

        SigningKey = new SymmetricSecurityKey(key);
    }

    public SymmetricSecurityKey SigningKey { get; }

    /// <summary>A token for <paramref name="userId"/>, holding <paramref name="roles"/> in its <c>role</c> claim, signed with this key.</summary>
    public string CreateToken(string userId, string? displayName, IReadOnlyCollection<string> roles, DateTimeOffset issuedAt, DateTimeOffset expiresAt)
    {
        var claims = new Dictionary<string, object> { [ChatAuthentication.UserIdClaim] = userId };
        if (!string.IsNullOrEmpty(displayName))
        {
            claims["name"] = displayName;
        }

        if (roles.Count > 0)
        {
            claims[ChatAuthentication.RoleClaim] = roles.Distinct(StringComparer.Ordinal).ToArray();
        }

        // No "nbf": with zero clock skew a token must not be refused by a server whose clock is a little behind.
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            IssuedAt = issuedAt.UtcDateTime,
            Expires = expiresAt.UtcDateTime,
            SigningCredentials = new SigningCredentials(SigningKey, SecurityAlgorithms.HmacSha256),
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Auth:SigningKey is not set: tokens are signed with a key made at start; they stop working when the process restarts and other processes reject them. Set Auth:SigningKey (at least 32 bytes) for anything but a trial.")]
    private static partial void LogGeneratedKey(ILogger logger);
}
