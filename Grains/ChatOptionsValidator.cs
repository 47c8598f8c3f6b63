using Microsoft.Extensions.Options;
using OrleansChat.Hosting;

namespace OrleansChat.Grains;

/// <summary>Checks <see cref="ChatOptions"/> at start.</summary>
internal sealed class ChatOptionsValidator : IValidateOptions<ChatOptions>
{
    public ValidateOptionsResult Validate(string? name, ChatOptions options)
    {
        var failures = new OptionsFailures(ChatOptions.SectionName);
        failures.RequireRange(options.MaxGroupMembers, 2, 100_000, nameof(options.MaxGroupMembers));
        failures.RequireRange(options.MaxTitleLength, 1, 1000, nameof(options.MaxTitleLength));
        failures.RequireRange(options.TypingTimeoutSeconds, 1, 600, nameof(options.TypingTimeoutSeconds));
        failures.RequireRange(options.IdempotencyWindowHours, 1, 24 * 30, nameof(options.IdempotencyWindowHours));
        failures.RequireRange(options.IdempotencyCacheSize, 16, 1_000_000, nameof(options.IdempotencyCacheSize));
        failures.RequireRange(options.RecentTargets, 0, 100_000, nameof(options.RecentTargets));
        failures.RequireRange(options.MaxBatchSize, 1, 10_000, nameof(options.MaxBatchSize));
        failures.RequireRange(options.ObserverLeaseSeconds, 5, 3600, nameof(options.ObserverLeaseSeconds));
        failures.RequireRange(options.MaxDevicesPerUser, 1, 1000, nameof(options.MaxDevicesPerUser));
        failures.RequireRange(options.MaxBlockedUsers, 1, 100_000, nameof(options.MaxBlockedUsers));
        return failures.Result;
    }
}
