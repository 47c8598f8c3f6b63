using System.ComponentModel.DataAnnotations;

namespace OrleansChat.Silo;

/// <summary>The cluster identity and ports, bound from the <c>Orleans</c> configuration section.</summary>
public sealed class SiloOptions
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
}
