using Microsoft.Extensions.Options;
using OrleansChat.Hosting;

namespace OrleansChat.Gateway;

/// <summary>Checks <see cref="RateLimitOptions"/> at start.</summary>
internal sealed class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, RateLimitOptions options)
    {
        var failures = new OptionsFailures(RateLimitOptions.SectionName);
        failures.RequireRange(options.SendsPerSecond, 1, 1_000_000, nameof(options.SendsPerSecond));
        failures.RequireRange(options.Burst, 1, 1_000_000, nameof(options.Burst));
        failures.RequireRange(options.FramesPerSecond, 1, 1_000_000, nameof(options.FramesPerSecond));
        failures.RequireRange(options.FrameBurst, 1, 1_000_000, nameof(options.FrameBurst));
        return failures.Result;
    }
}
