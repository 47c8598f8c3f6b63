using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using OrleansChat.Gateway.Auth;
using OrleansChat.Gateway.Connections;
using OrleansChat.Gateway.Rest;

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

        // Development tokens sign any user id for anyone: on by default only where `dotnet run` puts a developer.
        var development = builder.Environment.IsDevelopment();
        services.PostConfigure<AuthOptions>(auth => auth.DevTokens ??= development);

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<GatewayMetrics>();
        services.AddSingleton<SendRateLimiter>();
        services.AddSingleton<FrameRateLimiter>();
        services.AddSingleton<RoomSendBatcher>();
        services.AddSingleton<GatewayHub>();
        services.AddHostedService(sp => sp.GetRequiredService<GatewayHub>());
        services.AddSingleton<WebSocketEndpoint>();
        services.AddChatRest();
        return builder;
    }
}
