using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace OrleansChat.TestInfrastructure;

/// <summary>Mints HS256 tokens the way any other issuer sharing the server's signing key would.</summary>
public sealed class Tokens(string signingKey)
{
    private static readonly JsonWebTokenHandler Handler = new();

    public string For(string userId) => For(userId, TimeSpan.FromHours(1));

    public string For(string userId, TimeSpan lifetime) =>
        Create(signingKey, new Dictionary<string, object> { ["sub"] = userId },
            DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.Add(lifetime));

    /// <summary>A token whose <c>role</c> claim holds <paramref name="roles"/>, as an issuer with roles mints it.</summary>
    public string WithRoles(string userId, params string[] roles) =>
        Create(signingKey, new Dictionary<string, object> { ["sub"] = userId, ["role"] = roles },
            DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddHours(1));

    public string Expired(string userId) =>
        Create(signingKey, new Dictionary<string, object> { ["sub"] = userId },
            DateTime.UtcNow.AddMinutes(-10), DateTime.UtcNow.AddMinutes(-5));

    public static string SignedWithAnotherKey(string userId) =>
        Create("a-completely-different-signing-key-0123456789", new Dictionary<string, object> { ["sub"] = userId },
            DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddHours(1));

    public string WithoutSubject() =>
        Create(signingKey, new Dictionary<string, object> { ["name"] = "nobody" },
            DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddHours(1));

    private static string Create(string key, Dictionary<string, object> claims, DateTime notBefore, DateTime expires) =>
        Handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            IssuedAt = notBefore,
            NotBefore = notBefore,
            Expires = expires,
            SigningCredentials = new SigningCredentials(
                new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        });
}
