using Orleans.Dashboard;
using OrleansChat.Gateway;

namespace OrleansChat.Silo;

/// <summary>The single-process chat server: a silo, and the gateway in the same web host when <c>Gateway:Enabled</c>.</summary>
public static class ChatApplication
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var gatewayEnabled = builder.Configuration.GetValue($"{GatewayOptions.SectionName}:{nameof(GatewayOptions.Enabled)}", true);

        builder.AddChatSilo();              // Orleans: clustering, storage, dashboard, from configuration
        builder.AddChatOperations();        // /health, /health/ready, /metrics
        if (gatewayEnabled)
        {
            builder.AddChatGateway();       // auth, rate limits, WebSocket connections
        }

        var app = builder.Build();
        app.MapChatOperations();
        if (gatewayEnabled)
        {
            app.MapChatGateway();           // /ws, /api/v1
        }

        var dashboard = app.MapOrleansDashboard("/dashboard");
        if (gatewayEnabled && !app.Environment.IsDevelopment())
        {
            dashboard.RequireAuthorization();
        }

        return app;
    }
}
