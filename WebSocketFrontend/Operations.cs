using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using OrleansChat.Hosting;
using OrleansChat.Persistence.Writing;

namespace OrleansChat.Gateway;

/// <summary>
/// What every process serves for operators: <c>/health</c>, <c>/health/ready</c> and <c>/metrics</c> (on its own port
/// when <c>Metrics:Port</c> is set).
/// </summary>
public static class Operations
{
    /// <summary>Health checks with this tag decide <c>/health/ready</c>.</summary>
    public const string ReadyTag = "ready";

    /// <summary>Liveness: the process answers.</summary>
    public const string LivenessPath = "/health";

    /// <summary>Readiness: cluster joined and, on a silo, storage reachable.</summary>
    public const string ReadinessPath = "/health/ready";

    public const string MetricsPath = "/metrics";

    public static WebApplicationBuilder AddChatOperations(this WebApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks().AddCheck<ClusterHealthCheck>("cluster", tags: [ReadyTag]);
        MetricsEndpoint.ListenOnMetricsPort(builder);   // Metrics:Port
        builder.AddChatTracing();                       // OTLP, when OpenTelemetry:Otlp:Endpoint is set
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(GatewayMetrics.MeterName, StorageMetrics.MeterName /* the silo's message store */, "Microsoft.Orleans")
            .AddAspNetCoreInstrumentation()
            .AddRuntimeInstrumentation()
            .AddPrometheusExporter());
        return builder;
    }

    public static WebApplication MapChatOperations(this WebApplication app)
    {
        app.MapHealthChecks(LivenessPath, new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks(ReadinessPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),

            // Degraded is a gateway waiting for its cluster client: not ready either (see ClusterHealthCheck).
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        });
        MetricsEndpoint.Map(app, MetricsPath);
        return app;
    }
}

/// <summary>
/// Ready when the cluster answers and has at least one active silo. A standalone gateway's client that is not
/// connected (not yet, or no longer) is not ready without asking: before its start, its grain calls cannot be made.
/// </summary>
internal sealed class ClusterHealthCheck(IGrainFactory grains, IServiceProvider services) : IHealthCheck
{
    private readonly ClusterClientConnection? _connection = services.GetService<ClusterClientConnection>();

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // Expected while the silos start or move, and the client keeps trying: Degraded (logged as a warning, where
        // Unhealthy is an error), which /health/ready answers with 503 all the same.
        if (_connection is { IsConnected: false })
        {
            return HealthCheckResult.Degraded("Not connected to the cluster; the client keeps trying.");
        }

        try
        {
            var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true, cancellationToken).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            return hosts.Count > 0
                ? HealthCheckResult.Healthy($"{hosts.Count} active silo(s).")
                : HealthCheckResult.Unhealthy("No active silo.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The cluster does not answer.", ex);
        }
    }
}
