using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using OrleansChat.Gateway.Auth;
using OrleansChat.Gateway.Protocol;

namespace OrleansChat.Gateway.Rest;

/// <summary><c>POST /api/v1/auth/dev-token</c>: a signed token for any user id, where development tokens are on.</summary>
internal static class DevTokenApi
{
    public static async Task<IResult> Issue(HttpContext context, TokenKeys keys, IOptions<AuthOptions> auth, IOptions<GatewayOptions> gateway, TimeProvider time)
    {
        using var body = await JsonBody.ReadAsync(context.Request, gateway.Value.MaxRequestBodyBytes);
        var userId = body.UserId("userId");
        var displayName = body.OptionalString("displayName");
        var now = time.GetUtcNow();
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds((now + TimeSpan.FromMinutes(auth.Value.DevTokenLifetimeMinutes)).ToUnixTimeSeconds());
        var token = keys.CreateToken(userId, displayName, now, expiresAt);
        return Results.Bytes(Frames.DevToken(token, expiresAt), "application/json; charset=utf-8");
    }
}
