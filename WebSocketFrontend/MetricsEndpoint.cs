using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using OrleansChat.Hosting;

namespace OrleansChat.Gateway;

/// <summary><c>Metrics:*</c>: where <c>/metrics</c> is served.</summary>
public sealed class MetricsOptions
{
    public const string SectionName = "Metrics";

    /// <summary>When set, <c>/metrics</c> is served on this port only (every address), and not with the API.</summary>
    public int? Port { get; set; }
}

internal sealed class MetricsOptionsValidator : IValidateOptions<MetricsOptions>
{
    public ValidateOptionsResult Validate(string? name, MetricsOptions options)
    {
        var failures = new OptionsFailures(MetricsOptions.SectionName);
        if (options.Port is { } port)
        {
            failures.RequireRange(port, 1, 65535, nameof(options.Port));
        }

        return failures.Result;
    }
}

/// <summary>Serves <c>/metrics</c> with the API, or on a port of its own (<see cref="MetricsOptions.Port"/>).</summary>
internal static class MetricsEndpoint
{
    /// <summary>Kestrel's default address when nothing names one.</summary>
    private const string DefaultUrls = "http://localhost:5000";

    /// <summary>
    /// Adds the metrics port to the addresses the process listens on. An address set in code would replace those of
    /// <c>--urls</c>, <c>ASPNETCORE_URLS</c> and <c>ASPNETCORE_HTTP_PORTS</c>, so they are read and kept, in the
    /// precedence Kestrel gives them.
    /// </summary>
    public static void ListenOnMetricsPort(WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<MetricsOptions, MetricsOptionsValidator>(MetricsOptions.SectionName);
        var port = builder.Configuration.GetSection(MetricsOptions.SectionName).Get<MetricsOptions>()?.Port;
        if (port is not (>= 1 and <= 65535))
        {
            return; // unset, or refused at start by the validator
        }

        var urls = builder.Configuration[WebHostDefaults.ServerUrlsKey];
        if (string.IsNullOrWhiteSpace(urls))
        {
            var ports = Urls("http", builder.Configuration[WebHostDefaults.HttpPortsKey])
                .Concat(Urls("https", builder.Configuration[WebHostDefaults.HttpsPortsKey]))
                .ToList();
            urls = ports.Count == 0 ? DefaultUrls : string.Join(';', ports);
        }

        builder.WebHost.UseUrls($"{urls};http://*:{port}");
    }

    private static IEnumerable<string> Urls(string scheme, string? ports) =>
        (ports ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(port => $"{scheme}://*:{port}");

    public static void Map(WebApplication app, string path)
    {
        if (app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value.Port is { } port)
        {
            // Matched on the port the connection came in on, not on the Host header, which the client writes.
            app.UseOpenTelemetryPrometheusScrapingEndpoint(context => context.Connection.LocalPort == port && context.Request.Path == path);
        }
        else
        {
            app.MapPrometheusScrapingEndpoint(path);
        }
    }
}
