using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Hosting;

namespace OrleansChat.Hosting;

/// <summary>
/// The log levels every process (silo, standalone gateway, push worker) starts from. They sit below every other
/// configuration source, so <c>Logging:LogLevel:*</c> in appsettings, <c>Logging__LogLevel__*</c> in the
/// environment or <c>--Logging:LogLevel:*</c> on the command line override each of them.
/// </summary>
public static class LogLevelDefaults
{
    public static IReadOnlyDictionary<string, string?> Values { get; } = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
    {
        ["Logging:LogLevel:Default"] = "Information",

        // Two lines per request (and per WebSocket connection) are noise in production.
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",

        // Named on its own so that raising Microsoft.AspNetCore does not raise it: its request lines carry the
        // query string, where a browser's WebSocket puts its token.
        ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Warning",

        // Four lines per outgoing request (push providers, token endpoints), with their URLs.
        ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",

        // Orleans logs its whole configuration and every membership step at Information.
        ["Logging:LogLevel:Orleans"] = "Warning",
        ["Logging:LogLevel:Polly"] = "Warning",
    };

    /// <summary>Puts <see cref="Values"/> beneath the builder's configuration sources.</summary>
    public static TBuilder AddChatLogLevelDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = Values });
        return builder;
    }
}
