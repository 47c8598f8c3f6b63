using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using OrleansChat.Gateway.Auth;
using OrleansChat.Gateway.Connections;
using OrleansChat.Gateway.Rest;
using OrleansChat.Hosting;

namespace OrleansChat.Gateway;

public static class GatewayHostingExtensions
{
    /// <summary>The gateway's services: auth, the send limit, the connection registry, its subscriptions and observer, their lease and heartbeat loops.</summary>
    public static WebApplicationBuilder AddChatGateway(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<GatewayOptions, GatewayOptionsValidator>(GatewayOptions.SectionName);
        services.AddValidatedOptions<RateLimitOptions, RateLimitOptionsValidator>(RateLimitOptions.SectionName);
        builder.AddChatAuthentication();

        // Development tokens sign any user id for anyone: on by default only where `dotnet run` puts a developer.
        var development = builder.Environment.IsDevelopment();
        services.PostConfigure<AuthOptions>(auth => auth.DevTokens ??= development);

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<GatewayMetrics>();
        services.AddSingleton<SendRateLimiter>();
        services.AddSingleton<FrameRateLimiter>();
        services.AddSingleton<GatewayReference>();
        services.AddSingleton<GatewayObserver>();
        services.AddSingleton<ChunkSubscriptions>();
        services.AddSingleton<RoomSubscriptions>();
        services.AddSingleton<PresenceWatches>();
        services.AddSingleton<ConnectionRegistry>();
        services.AddSingleton<ConnectionFactory>();
        services.AddSingleton<ChatSessions>();
        services.AddSingleton<WebSocketEndpoint>();
        services.AddSingleton<EventStreamEndpoint>();
        services.AddHostedService<LeaseRenewalService>();
        services.AddHostedService<SessionHeartbeatService>();
        services.AddChatRest();
        services.AddChatAttachmentStore(builder.Configuration.GetStorageMode()); // any gateway serves any attachment
        return builder;
    }
}
