using Microsoft.Extensions.Options;

namespace OrleansChat.Persistence.Postgres;

/// <summary>Checks <see cref="PostgresStorageOptions"/> at start.</summary>
internal sealed class PostgresStorageOptionsValidator : IValidateOptions<PostgresStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, PostgresStorageOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add("ConnectionStrings:Postgres must be set.");
        }

        if (options.MaxMessagesPerTransaction < 1)
        {
            failures.Add("Storage:MaxMessagesPerTransaction must be at least 1.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
