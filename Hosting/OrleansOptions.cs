namespace OrleansChat.Hosting;

/// <summary>
/// The cluster identity and ports, bound from the <c>Orleans</c> configuration section by silos and by the
/// processes that join the cluster as clients (standalone gateways, push workers); checked at start by
/// <see cref="OrleansOptionsValidator"/>.
/// </summary>
public sealed class OrleansOptions
{
    public const string SectionName = "Orleans";

    public string ClusterId { get; set; } = "dev";

    public string ServiceId { get; set; } = "orleanschat";

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address a silo advertises to the others; unset: loopback without PostgreSQL, else this host's first address.</summary>
    public string? AdvertisedIPAddress { get; set; }
}
