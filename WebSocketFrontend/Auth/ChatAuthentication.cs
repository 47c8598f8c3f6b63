using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OrleansChat.Gateway.Protocol;
using OrleansChat.Hosting;

namespace OrleansChat.Gateway.Auth;

/// <summary>JWT bearer authentication for REST and the WebSocket handshake (PROTOCOL.md 2).</summary>
public static class ChatAuthentication
{
    public const string UserIdClaim = "sub";

    public const string RoleClaim = "role";

    /// <summary>The policy of operator endpoints: a token whose <c>role</c> claim holds <c>Auth:AdminRole</c>.</summary>
    public const string OperatorPolicy = "operator";

    private const string ExpiresClaim = "exp";

    private const string QueryTokenParameter = "access_token";

    /// <summary>
    /// Where a token may come as <c>access_token</c> in the query: browsers cannot set headers on a WebSocket nor on an
    /// <c>EventSource</c>. Everywhere else it is the header.
    /// </summary>
    private static readonly PathString[] QueryTokenPaths = [GatewayEndpoints.WebSocketPath, GatewayEndpoints.ApiPath + GatewayEndpoints.EventsPath];

    public static WebApplicationBuilder AddChatAuthentication(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<AuthOptions, AuthOptionsValidator>(AuthOptions.SectionName);
        builder.Services.AddSingleton<TokenKeys>();
        builder.Services.AddAuthorization();
        builder.Services.AddOptions<AuthorizationOptions>().Configure<IOptions<AuthOptions>>((authorization, auth) =>
            authorization.AddPolicy(OperatorPolicy, policy => policy.RequireAuthenticatedUser().RequireClaim(RoleClaim, auth.Value.AdminRole)));
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>, TokenKeys>((jwt, auth, keys) => Configure(jwt, auth.Value, keys));
        return builder;
    }

    /// <summary>Authentication and authorization, after refusing a request that carries two tokens.</summary>
    public static WebApplication UseChatAuthentication(this WebApplication app)
    {
        // RFC 6750 2: a client sends its token one way only. Taking either of two would let a query token win over a
        // header that a proxy or the client meant to count, so the request is refused wherever it goes.
        app.Use(async (context, next) =>
        {
            if (context.Request.Headers.Authorization.Count > 0 && context.Request.Query.ContainsKey(QueryTokenParameter))
            {
                await Problems.WriteAsync(context, ProtocolError.BadRequest(
                    $"Send the token once: in the Authorization header or as {QueryTokenParameter}, not both."));
                return;
            }

            await next(context);
        });
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    /// <summary>The user id of an authenticated request.</summary>
    public static string UserId(this HttpContext context) =>
        context.User.FindFirst(UserIdClaim)?.Value ?? throw new InvalidOperationException("The request is not authenticated.");

    /// <summary>When the request's token expires, if it says.</summary>
    public static DateTimeOffset? TokenExpiresAt(this HttpContext context) =>
        long.TryParse(context.User.FindFirst(ExpiresClaim)?.Value, out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;

    /// <summary>
    /// The principal a request keeps: its user id, expiry and roles, and nothing else. A WebSocket or event-stream
    /// request lasts as long as its connection, and the principal the handler validated holds the whole token and
    /// every claim in it (about 1.7 KiB a connection); the copies no longer refer to it.
    /// </summary>
    private static ClaimsPrincipal WhatTheGatewayReads(ClaimsPrincipal validated)
    {
        var kept = validated.Claims
            .Where(claim => claim.Type is UserIdClaim or RoleClaim or ExpiresClaim)
            .Select(claim => new Claim(claim.Type, claim.Value, claim.ValueType, claim.Issuer));
        var identity = validated.Identity as ClaimsIdentity;
        return new ClaimsPrincipal(new ClaimsIdentity(kept, identity?.AuthenticationType, UserIdClaim, RoleClaim));
    }

    private static void Configure(JwtBearerOptions jwt, AuthOptions auth, TokenKeys keys)
    {
        jwt.MapInboundClaims = false;
        if (!string.IsNullOrEmpty(auth.Authority))
        {
            jwt.Authority = auth.Authority;
            jwt.Audience = auth.Audience;
            jwt.TokenValidationParameters.NameClaimType = UserIdClaim;
            jwt.TokenValidationParameters.RoleClaimType = RoleClaim;
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
                RoleClaimType = RoleClaim,
            };
        }

        jwt.Events = new JwtBearerEvents
        {
            // Request lines (which carry the query) stay below Information by LogLevelDefaults, so a query token is never written out.
            OnMessageReceived = context =>
            {
                if (string.IsNullOrEmpty(context.Token)
                    && QueryTokenPaths.Any(path => context.Request.Path.StartsWithSegments(path))
                    && context.Request.Query.TryGetValue(QueryTokenParameter, out var token))
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
                    return Task.CompletedTask;
                }

                context.Principal = WhatTheGatewayReads(context.Principal!);
                return Task.CompletedTask;
            },

            // RFC 6750 3: a 401 names the scheme, and says invalid_token when a token came and was refused.
            OnChallenge = async context =>
            {
                context.HandleResponse();
                var failed = context.AuthenticateFailure is not null;
                context.Response.Headers.WWWAuthenticate = failed ? "Bearer error=\"invalid_token\"" : "Bearer";
                await Problems.WriteAsync(context.HttpContext, ProtocolError.Unauthorized(
                    failed ? "The token is malformed, wrongly signed or expired." : "A bearer token is required."));
            },
            OnForbidden = context => Problems.WriteAsync(context.HttpContext, ProtocolError.Forbidden("The token does not carry the role this needs.")),
        };
    }
}
