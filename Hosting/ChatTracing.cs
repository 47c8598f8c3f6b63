using Microsoft.Extensions.Configuration;

namespace OrleansChat.Hosting;

/// <summary>
/// Whether this process traces: only when <c>OpenTelemetry:Otlp:Endpoint</c> names a collector. Otherwise no tracer
/// listens and no grain call carries trace context, so tracing costs nothing.
/// </summary>
public static class ChatTracing
{
    public const string OtlpEndpointKey = "OpenTelemetry:Otlp:Endpoint";

    /// <summary>The collector's address; null when tracing is off. A value that is not an absolute URI stops the process.</summary>
    public static Uri? OtlpEndpoint(this IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var value = configuration[OtlpEndpointKey];
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return Uri.TryCreate(value, UriKind.Absolute, out var endpoint)
            ? endpoint
            : throw new InvalidOperationException($"{OtlpEndpointKey} must be an absolute URI, such as http://collector:4317.");
    }

    public static bool IsTracing(this IConfiguration configuration) => configuration.OtlpEndpoint() is not null;
}
