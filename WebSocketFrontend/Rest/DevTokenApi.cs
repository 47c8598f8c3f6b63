using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansChat.Gateway.Auth;
using OrleansChat.Gateway.Protocol;

namespace OrleansChat.Gateway.Rest;

/// <summary><c>POST /api/v1/auth/dev-token</c>: a signed token for any user id, where development tokens are on.</summary>
internal static class DevTokenApi
{
    public static FileContentHttpResult Issue(DevTokenRequest request, TokenKeys keys, IOptions<AuthOptions> auth, IHostEnvironment environment, TimeProvider time)
    {
        // Roles open operator endpoints. Dev tokens may be switched on outside Development for trials, but a token
        // that anyone can mint must not also make its bearer an operator there: the request is refused, not trimmed.
        var roles = request.Roles ?? [];
        if (roles.Count > 0 && !environment.IsDevelopment())
        {
            throw JsonBody.Bad("Development tokens carry roles in the Development environment only.");
        }

        var now = time.GetUtcNow();
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds((now + TimeSpan.FromMinutes(auth.Value.DevTokenLifetimeMinutes)).ToUnixTimeSeconds());
        var token = keys.CreateToken(request.UserId, request.DisplayName, roles, now, expiresAt);

        // Written whole rather than streamed, so that the answer keeps the Content-Length it has always had.
        var body = JsonSerializer.SerializeToUtf8Bytes(new DevTokenDto(token, Times.ToWire(expiresAt)), RestJson.Default.DevTokenDto);
        return TypedResults.Bytes(body, "application/json; charset=utf-8");
    }
}
