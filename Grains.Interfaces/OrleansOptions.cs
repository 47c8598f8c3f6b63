using System.ComponentModel.DataAnnotations;

namespace OrleansChat;

/// <summary>
/// The cluster identity and ports, bound from the <c>Orleans</c> configuration section by silos and by the
/// processes that join the cluster as clients (standalone gateways, push workers).
/// </summary>
public sealed class OrleansOptions
{
    public const string SectionName = "Orleans";

    [Required]
    public string ClusterId { get; set; } = "dev";

    [Required]
    public string ServiceId { get; set; } = "orleanschat";

    [Range(0, 65535)]
    public int SiloPort { get; set; } = 11111;

    [Range(0, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address a silo advertises to the others; unset: loopback without PostgreSQL, else this host's first address.</summary>
    public string? AdvertisedIPAddress { get; set; }

    /// <summary>Throws when a value is out of range.</summary>
    public OrleansOptions Validated()
    {
        Validator.ValidateObject(this, new ValidationContext(this), validateAllProperties: true);
        return this;
    }
}
