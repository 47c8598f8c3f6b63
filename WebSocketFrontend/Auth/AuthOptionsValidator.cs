using System.Text;
using Microsoft.Extensions.Options;
using OrleansChat.Hosting;

namespace OrleansChat.Gateway.Auth;

/// <summary>Checks <see cref="AuthOptions"/> at start.</summary>
internal sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new OptionsFailures(AuthOptions.SectionName);
        failures.Require(!string.IsNullOrWhiteSpace(options.AdminRole), nameof(options.AdminRole), "is required");
        failures.Require(
            string.IsNullOrEmpty(options.SigningKey) || Encoding.UTF8.GetByteCount(options.SigningKey) >= TokenKeys.MinimumKeyBytes,
            nameof(options.SigningKey),
            $"must be at least {TokenKeys.MinimumKeyBytes} bytes");
        return failures.Result;
    }
}
