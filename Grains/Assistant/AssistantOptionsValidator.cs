using Microsoft.Extensions.Options;
using OrleansChat.Hosting;

namespace OrleansChat.Grains.Assistant;

/// <summary>Checks the job settings of <see cref="AssistantOptions"/> at start; the providers' entries are their hosting's to check.</summary>
internal sealed class AssistantOptionsValidator : IValidateOptions<AssistantOptions>
{
    public ValidateOptionsResult Validate(string? name, AssistantOptions options)
    {
        var failures = new OptionsFailures(AssistantOptions.SectionName);
        failures.Require(Identifiers.IsValidUserId(options.UserId), nameof(options.UserId), "must be a user id (1 to 64 of A-Z a-z 0-9 _ . - @)");
        failures.RequireRange(options.MaxAttempts, 1, 100, nameof(options.MaxAttempts));
        failures.Require(options.InitialBackoff > TimeSpan.Zero, nameof(options.InitialBackoff), "must be positive");
        failures.Require(options.MaxBackoff >= options.InitialBackoff, nameof(options.MaxBackoff), "must be at least InitialBackoff");
        failures.RequireRange(options.ContextMessages, 0, ProtocolLimits.MaxPageSize, nameof(options.ContextMessages));
        failures.RequireRange(options.JobsPerMinute, 1, 100_000, nameof(options.JobsPerMinute));
        failures.Require(options.JobRetention >= TimeSpan.FromMinutes(1), nameof(options.JobRetention), "must be at least one minute");
        failures.RequireRange(options.MaxConcurrentJobs, 1, 100_000, nameof(options.MaxConcurrentJobs));

        // The reply is stored as one text, so it is never longer than a text may be.
        failures.RequireRange(options.MaxOutputCharacters, 1, ProtocolLimits.MaxContentLength, nameof(options.MaxOutputCharacters));
        return failures.Result;
    }
}
