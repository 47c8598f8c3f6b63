using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansChat.Gateway.Auth;
using OrleansChat.Gateway.Protocol;

namespace OrleansChat.Gateway.Rest;

/// <summary><c>POST /api/v1/auth/dev-token</c>: a signed token for any user id, where development tokens are on.</summary>
internal static class DevTokenApi
{
    public static async Task<IResult> Issue(
        HttpContext context, TokenKeys keys, IOptions<AuthOptions> auth, IOptions<GatewayOptions> gateway, IHostEnvironment environment, TimeProvider time)
    {
        using var body = await JsonBody.ReadAsync(context.Request, gateway.Value.MaxRequestBodyBytes);
        var userId = body.UserId("userId");
        var displayName = body.OptionalString("displayName");

        // Roles open operator endpoints. Dev tokens may be switched on outside Development for trials, but a token
        // that anyone can mint must not also make its bearer an operator there: the request is refused, not trimmed.
        var roles = body.UserIds("roles");
        if (roles.Count > 0 && !environment.IsDevelopment())
        {
            throw JsonBody.Bad("Development tokens carry roles in the Development environment only.");
        }

        var now = time.GetUtcNow();
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds((now + TimeSpan.FromMinutes(auth.Value.DevTokenLifetimeMinutes)).ToUnixTimeSeconds());
        var token = keys.CreateToken(userId, displayName, roles, now, expiresAt);
        return Results.Bytes(Frames.DevToken(token, expiresAt), "application/json; charset=utf-8");
    }
}
