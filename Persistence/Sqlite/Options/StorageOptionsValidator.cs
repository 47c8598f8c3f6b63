using Microsoft.Extensions.Options;

namespace OrleansChat.Persistence;

/// <summary>Checks <see cref="StorageOptions"/> at start.</summary>
internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            failures.Add("Storage:DataDirectory must not be empty.");
        }

        if (options.MaxMessagesPerTransaction < 1)
        {
            failures.Add("Storage:MaxMessagesPerTransaction must be at least 1.");
        }

        if (options.BusyTimeout <= TimeSpan.Zero)
        {
            failures.Add("Storage:BusyTimeout must be positive.");
        }

        if (options.CheckpointInterval <= TimeSpan.Zero || options.CheckpointInterval > TimeSpan.FromMinutes(1))
        {
            failures.Add("Storage:CheckpointInterval must be positive and at most a minute.");
        }

        if (options.MaxWalBytes < 1024 * 1024)
        {
            failures.Add("Storage:MaxWalBytes must be at least 1 MiB (1048576).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
