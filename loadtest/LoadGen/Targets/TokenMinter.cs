using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace OrleansChat.LoadGen.Targets;

/// <summary>Mints HS256 tokens (<c>sub</c> = user id) with the server's signing key, as any issuer sharing it would.</summary>
public sealed class TokenMinter(string signingKey)
{
    private static readonly JsonWebTokenHandler Handler = new();
    private readonly SigningCredentials _credentials =
        new(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey)), SecurityAlgorithms.HmacSha256);

    public string For(string userId) => Handler.CreateToken(new SecurityTokenDescriptor
    {
        Claims = new Dictionary<string, object> { ["sub"] = userId },
        IssuedAt = DateTime.UtcNow.AddMinutes(-1),
        NotBefore = DateTime.UtcNow.AddMinutes(-1),
        Expires = DateTime.UtcNow.AddHours(2),
        SigningCredentials = _credentials,
    });
}
