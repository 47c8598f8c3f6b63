using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansChat.Gateway.Auth;
using OrleansChat.Gateway.Connections;

namespace OrleansChat.Gateway;

public static class GatewayHostingExtensions
{
    /// <summary>The gateway's services: auth, the send limit, the connection hub and its observer, WebSocket options.</summary>
    public static WebApplicationBuilder AddChatGateway(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.AddChatAuthentication();

        // Development tokens default to on for the embedded setup and off where PostgreSQL makes it a cluster.
        var hasPostgres = !string.IsNullOrEmpty(builder.Configuration.GetConnectionString("Postgres"));
        services.PostConfigure<AuthOptions>(auth => auth.DevTokens ??= !hasPostgres);

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<GatewayMetrics>();
        services.AddSingleton<SendRateLimiter>();
        services.AddSingleton<RoomSendBatcher>();
        services.AddSingleton<GatewayHub>();
        services.AddHostedService(sp => sp.GetRequiredService<GatewayHub>());
        services.AddSingleton<WebSocketEndpoint>();
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
            c.ProblemDetails.Extensions["code"] = Protocol.Problems.CodeFor(c.ProblemDetails.Status ?? StatusCodes.Status500InternalServerError));
        return builder;
    }
}
