using Microsoft.Extensions.Options;
using OrleansChat.Hosting;

namespace OrleansChat.Gateway;

/// <summary>Checks <see cref="GatewayOptions"/> at start.</summary>
internal sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var failures = new OptionsFailures(GatewayOptions.SectionName);
        failures.RequireRange(options.HeartbeatSeconds, 1, 3600, nameof(options.HeartbeatSeconds));
        failures.RequireRange(options.SendQueueLimit, 1, 1_000_000, nameof(options.SendQueueLimit));
        failures.RequireRange(options.MaxSendsInFlight, 1, 100_000, nameof(options.MaxSendsInFlight));
        failures.RequireRange(options.MaxFramesPerWrite, 1, 4096, nameof(options.MaxFramesPerWrite));
        failures.RequireRange(options.ReorderWaitMilliseconds, 1, 60_000, nameof(options.ReorderWaitMilliseconds));
        failures.RequireRange(options.CloseTimeoutSeconds, 1, 600, nameof(options.CloseTimeoutSeconds));
        failures.RequireRange(options.MaxWatchedUsersPerConnection, 1, 1_000_000, nameof(options.MaxWatchedUsersPerConnection));
        failures.RequireRange(options.MaxRequestBodyBytes, 1024, 16 * 1024 * 1024, nameof(options.MaxRequestBodyBytes));
        return failures.Result;
    }
}
