using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace OrleansChat.Gateway.Connections;

/// <summary>
/// Stands in for the server's upgrade features so that the WebSocket ASP.NET Core accepts (its handshake unchanged)
/// runs over a <see cref="CoalescingStream"/>: the connection's writer can then hand a batch of frames to the server
/// as one write. HTTP/1.1 upgrades through <see cref="IHttpUpgradeFeature"/>, HTTP/2 accepts an extended CONNECT
/// through <see cref="IHttpExtendedConnectFeature"/>; both are wrapped, each only where the server offers it.
/// </summary>
internal sealed class CoalescingUpgrade(IHttpUpgradeFeature? upgrade, IHttpExtendedConnectFeature? connect)
    : IHttpUpgradeFeature, IHttpExtendedConnectFeature
{
    /// <summary>The upgraded stream, once the handshake has made it.</summary>
    public CoalescingStream? Stream { get; private set; }

    public bool IsUpgradableRequest => upgrade?.IsUpgradableRequest ?? false;

    public bool IsExtendedConnect => connect?.IsExtendedConnect ?? false;

    public string? Protocol => connect?.Protocol;

    /// <summary>
    /// Middleware that must run before <c>UseWebSockets</c>: the WebSocket middleware takes the upgrade features when
    /// a request passes it, so a stand-in set later, in the endpoint, would never be used. Plain requests pass untouched.
    /// </summary>
    public static Task InstallAsync(HttpContext context, RequestDelegate next)
    {
        var features = context.Features;
        var upgrade = features.Get<IHttpUpgradeFeature>();
        var connect = features.Get<IHttpExtendedConnectFeature>();
        var upgrades = upgrade?.IsUpgradableRequest ?? false;
        var connects = connect?.IsExtendedConnect ?? false;
        if (upgrades || connects)
        {
            var standIn = new CoalescingUpgrade(upgrade, connect);
            if (upgrade is not null)
            {
                features.Set<IHttpUpgradeFeature>(standIn);
            }

            if (connect is not null)
            {
                features.Set<IHttpExtendedConnectFeature>(standIn);
            }

            features.Set(standIn);
        }

        return next(context);
    }

    public async Task<Stream> UpgradeAsync()
    {
        var upgraded = await (upgrade ?? throw new InvalidOperationException("The request cannot be upgraded.")).UpgradeAsync();
        return Stream = new CoalescingStream(upgraded);
    }

    public async ValueTask<Stream> AcceptAsync()
    {
        var accepted = await (connect ?? throw new InvalidOperationException("The request is not an extended CONNECT.")).AcceptAsync();
        return Stream = new CoalescingStream(accepted);
    }
}
