using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orleans.Diagnostics;
using OrleansChat.Hosting;
using OrleansChat.Persistence.Writing;

namespace OrleansChat.Gateway;

/// <summary>
/// Traces over OTLP when <c>OpenTelemetry:Otlp:Endpoint</c> is set: ASP.NET Core's requests, the gateway's frames,
/// Orleans' grain calls (their activity propagation is added with the silo and the client), the store's append
/// transactions and Npgsql's commands. Unset, no tracer is registered.
/// </summary>
public static class Tracing
{
    /// <summary>The gateway's own spans: one per WebSocket frame handled.</summary>
    public const string GatewaySourceName = "OrleansChat.Gateway";

    /// <summary>Npgsql's ActivitySource.</summary>
    private const string NpgsqlSourceName = "Npgsql";

    private static readonly ActivitySource Gateway = new(GatewaySourceName);

    public static WebApplicationBuilder AddChatTracing(this WebApplicationBuilder builder)
    {
        if (builder.Configuration.OtlpEndpoint() is not { } endpoint)
        {
            return builder;
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Environment.ApplicationName))
            .WithTracing(tracing => tracing
                .AddSource(GatewaySourceName, StorageTracing.SourceName, ActivitySources.AllActivitySourceName, NpgsqlSourceName)
                .AddAspNetCoreInstrumentation()
                .AddOtlpExporter(otlp => otlp.Endpoint = endpoint));
        return builder;
    }

    /// <summary>
    /// The span of one client frame, or null when nobody listens. Each frame starts a trace of its own, linked to the
    /// WebSocket request's, which lasts as long as the connection: one send, one trace, down to its commit.
    /// </summary>
    internal static Activity? StartFrame(string? type)
    {
        if (!Gateway.HasListeners())
        {
            return null;
        }

        var connection = Activity.Current;
        Activity.Current = null; // the caller's frame loop is async: its own Activity.Current comes back when this frame's handling returns
        var activity = Gateway.StartActivity(
            "chat.frame", ActivityKind.Server, parentContext: default, links: connection is null ? null : [new ActivityLink(connection.Context)]);
        activity?.SetTag("chat.frame.type", type);
        return activity;
    }
}
