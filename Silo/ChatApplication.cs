using Orleans.Dashboard;
using OrleansChat.Hosting;
using OrleansChat.Gateway;
using OrleansChat.Gateway.Auth;
using OrleansChat.PushWorker;

namespace OrleansChat.Silo;

/// <summary>The single-process chat server: a silo, and the gateway in the same web host when <c>Gateway:Enabled</c>.</summary>
public static class ChatApplication
{
    /// <param name="args">Command-line configuration.</param>
    /// <param name="configure">Last changes to the builder before it is built (tests add log sinks here).</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // Configuration files are read once at start, not watched: the watcher covers the content root recursively,
        // where the default SQLite data directory lives, and paid for every write to the database files.
        var builder = WebApplication.CreateBuilder(["--hostBuilder:reloadConfigOnChange=false", .. args]);
        builder.AddChatLogLevelDefaults();  // Logging:LogLevel:*, the same in every process
        var gatewayEnabled = builder.Configuration.GetValue($"{GatewayOptions.SectionName}:{nameof(GatewayOptions.Enabled)}", true);

        builder.AddChatSilo();              // Orleans: clustering, storage, dashboard, from configuration
        builder.AddPushWorker();            // drains the push outbox: Push:Sender (Log, Fcm, Apns, WebPush)
        builder.AddChatOperations();        // /health, /health/ready, /metrics
        if (gatewayEnabled)
        {
            builder.AddChatGateway();       // auth, rate limits, WebSocket connections
        }
        else
        {
            builder.AddChatAuthentication(); // tokens for the dashboard
        }

        configure?.Invoke(builder);
        var app = builder.Build();
        app.MapChatOperations();
        if (gatewayEnabled)
        {
            app.MapChatGateway();           // /ws, /api/v1
        }
        else
        {
            app.UseChatAuthentication();
        }

        // The dashboard has no login of its own, and shows every grain call and a live trace: it takes the API's
        // bearer tokens and needs Auth:AdminRole, in Development too (dev tokens can ask for the role there), so a
        // machine that happens to run as Development is no more open than PROTOCOL.md 2 says.
        app.MapOrleansDashboard("/dashboard").RequireAuthorization(ChatAuthentication.OperatorPolicy);

        return app;
    }
}
