using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OrleansChat.Gateway.Protocol;

namespace OrleansChat.Gateway.Auth;

/// <summary>JWT bearer authentication for REST and the WebSocket handshake (PROTOCOL.md 2).</summary>
public static class ChatAuthentication
{
    public const string UserIdClaim = "sub";

    public static WebApplicationBuilder AddChatAuthentication(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.SectionName);
        builder.Services.AddSingleton<TokenKeys>();
        builder.Services.AddAuthorization();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>, TokenKeys>((jwt, auth, keys) => Configure(jwt, auth.Value, keys));
        return builder;
    }

    /// <summary>The user id of an authenticated request.</summary>
    public static string UserId(this HttpContext context) =>
        context.User.FindFirst(UserIdClaim)?.Value ?? throw new InvalidOperationException("The request is not authenticated.");

    /// <summary>When the request's token expires, if it says.</summary>
    public static DateTimeOffset? TokenExpiresAt(this HttpContext context) =>
        long.TryParse(context.User.FindFirst("exp")?.Value, out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;

    private static void Configure(JwtBearerOptions jwt, AuthOptions auth, TokenKeys keys)
    {
        jwt.MapInboundClaims = false;
        if (!string.IsNullOrEmpty(auth.Authority))
        {
            jwt.Authority = auth.Authority;
            jwt.Audience = auth.Audience;
            jwt.TokenValidationParameters.NameClaimType = UserIdClaim;
        }
        else
        {
            jwt.TokenValidationParameters = new TokenValidationParameters
            {
                IssuerSigningKey = keys.SigningKey,
                ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                ValidateIssuer = false,
                ValidateAudience = !string.IsNullOrEmpty(auth.Audience),
                ValidAudience = auth.Audience,
                ValidateLifetime = true,
                RequireExpirationTime = true,
                ClockSkew = TimeSpan.Zero,
                NameClaimType = UserIdClaim,
            };
        }

        jwt.Events = new JwtBearerEvents
        {
            // Browsers cannot set headers on a WebSocket: the handshake may carry the token in the query instead.
            // Request logging of the query is turned off in AddChatGateway so the token is never written out.
            OnMessageReceived = context =>
            {
                if (string.IsNullOrEmpty(context.Token)
                    && context.Request.Path.StartsWithSegments(GatewayEndpoints.WebSocketPath)
                    && context.Request.Query.TryGetValue("access_token", out var token))
                {
                    context.Token = token;
                }

                return Task.CompletedTask;
            },
            OnTokenValidated = context =>
            {
                if (!Identifiers.IsValidUserId(context.Principal?.FindFirst(UserIdClaim)?.Value))
                {
                    context.Fail("The token's sub claim is not a valid user id.");
                }

                return Task.CompletedTask;
            },
            OnChallenge = async context =>
            {
                context.HandleResponse();
                await Problems.WriteAsync(context.HttpContext, ProtocolError.Unauthorized(
                    context.AuthenticateFailure is null ? "A bearer token is required." : "The token is malformed, wrongly signed or expired."));
            },
        };
    }
}
