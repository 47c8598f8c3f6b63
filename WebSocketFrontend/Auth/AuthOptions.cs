namespace OrleansChat.Gateway.Auth;

/// <summary>Token settings, bound from the <c>Auth</c> configuration section; checked at start by <see cref="AuthOptionsValidator"/>.</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>The HS256 key (at least 32 bytes of UTF-8) every process of a cluster shares; made at start when unset.</summary>
    public string? SigningKey { get; set; }

    /// <summary>An OpenID Connect issuer whose tokens are accepted instead of HS256 ones.</summary>
    public string? Authority { get; set; }

    public string? Audience { get; set; }

    /// <summary>
    /// Serve <c>POST /api/v1/auth/dev-token</c>, which signs a token for any user id. Unset: on in the Development
    /// environment only, since anyone who reaches the port could otherwise speak as every user.
    /// </summary>
    public bool? DevTokens { get; set; }

    /// <summary>The value of the token's <c>role</c> claim that opens operator endpoints (the Orleans dashboard).</summary>
    public string AdminRole { get; set; } = "admin";

    public int DevTokenLifetimeMinutes { get; set; } = 12 * 60;
}
