using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Dashboard;
using OrleansChat.Gateway;
using OrleansChat.Grains;
using OrleansChat.Persistence;

namespace OrleansChat.Silo;

public static class SiloHostingExtensions
{
    /// <summary>The name grains use in <c>[PersistentState(..., "chat")]</c>.</summary>
    public const string GrainStorageName = "chat";

    /// <summary>
    /// An Orleans silo with the chat grains, chosen by configuration: localhost clustering and SQLite in
    /// <c>Storage:DataDirectory</c> for the embedded default.
    /// </summary>
    public static WebApplicationBuilder AddChatSilo(this WebApplicationBuilder builder)
    {
        var silo = (builder.Configuration.GetSection(OrleansOptions.SectionName).Get<OrleansOptions>() ?? new OrleansOptions()).Validated();

        builder.Services.AddOptions<ChatOptions>().BindConfiguration(ChatOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ChatMetrics>();
        builder.Services.AddSqliteChatStorage();
        builder.Services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage", tags: [Operations.ReadyTag]);

        builder.UseOrleans(orleans =>
        {
            orleans.UseLocalhostClustering(silo.SiloPort, silo.GatewayPort, serviceId: silo.ServiceId, clusterId: silo.ClusterId);
            orleans.AddSqliteGrainStorage(GrainStorageName);
            orleans.UseSystemTextJsonGrainStorageSerializer();
            orleans.AddDashboard(_ => { });
        });
        return builder;
    }
}

/// <summary>Ready when the message store answers.</summary>
internal sealed class StorageHealthCheck(IMessageStore messages) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await messages.CheckHealthAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The message store does not answer.", ex);
        }
    }
}
