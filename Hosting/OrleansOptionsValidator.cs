using System.Net;
using Microsoft.Extensions.Options;

namespace OrleansChat.Hosting;

/// <summary>Checks <see cref="OrleansOptions"/> at start.</summary>
internal sealed class OrleansOptionsValidator : IValidateOptions<OrleansOptions>
{
    public ValidateOptionsResult Validate(string? name, OrleansOptions options)
    {
        var failures = new OptionsFailures(OrleansOptions.SectionName);
        failures.Require(!string.IsNullOrWhiteSpace(options.ClusterId), nameof(options.ClusterId), "is required");
        failures.Require(!string.IsNullOrWhiteSpace(options.ServiceId), nameof(options.ServiceId), "is required");
        failures.RequireRange(options.SiloPort, 0, 65535, nameof(options.SiloPort));
        failures.RequireRange(options.GatewayPort, 0, 65535, nameof(options.GatewayPort));
        failures.Require(
            string.IsNullOrEmpty(options.AdvertisedIPAddress) || IPAddress.TryParse(options.AdvertisedIPAddress, out _),
            nameof(options.AdvertisedIPAddress),
            "must be an IP address");
        return failures.Result;
    }
}
