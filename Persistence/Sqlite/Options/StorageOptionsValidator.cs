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

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
