using System.Globalization;
using Microsoft.Extensions.Options;

namespace OrleansChat.Hosting;

/// <summary>
/// What an options validator found wrong, each failure naming its configuration key
/// (<c>Gateway:HeartbeatSeconds must be between 1 and 3600.</c>), so that a process that refuses to start says which
/// setting to fix.
/// </summary>
/// <param name="section">The configuration section the options are bound from.</param>
public sealed class OptionsFailures(string section)
{
    private List<string>? _failures;

    public ValidateOptionsResult Result => _failures is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_failures);

    /// <summary>Records <c>{section}:{key} {failure}.</c> unless <paramref name="condition"/> holds.</summary>
    public void Require(bool condition, string key, string failure)
    {
        if (!condition)
        {
            (_failures ??= []).Add($"{section}:{key} {failure}.");
        }
    }

    public void RequireRange(int value, int minimum, int maximum, string key) =>
        Require(
            value >= minimum && value <= maximum,
            key,
            string.Create(CultureInfo.InvariantCulture, $"must be between {minimum} and {maximum}"));
}
