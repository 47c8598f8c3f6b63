namespace OrleansChat.Grains;

/// <summary>
/// Gateway observers holding a lease on a grain's events. Each event goes once to each live gateway,
/// one way; expired leases are dropped as they are met.
/// </summary>
internal sealed class GatewayLeases(TimeProvider time)
{
    private readonly Dictionary<GrainId, (IChatGatewayObserver Gateway, DateTimeOffset ExpiresAt)> _leases = [];

    public int Count => _leases.Count;

    public IEnumerable<GrainId> Ids => _leases.Keys;

    /// <summary>Grants or renews a lease; true when the gateway was not holding one.</summary>
    public bool Renew(IChatGatewayObserver gateway, TimeSpan lease) =>
        Renew(gateway.GetGrainId(), gateway, lease);

    public bool Renew(GrainId id, IChatGatewayObserver gateway, TimeSpan lease)
    {
        var isNew = !_leases.ContainsKey(id);
        _leases[id] = (gateway, time.GetUtcNow() + lease);
        return isNew;
    }

    public bool Remove(IChatGatewayObserver gateway) => _leases.Remove(gateway.GetGrainId());

    /// <summary>The gateways with a live lease; expired ones are dropped.</summary>
    public List<IChatGatewayObserver> Live()
    {
        var now = time.GetUtcNow();
        var live = new List<IChatGatewayObserver>(_leases.Count);
        List<GrainId>? expired = null;
        foreach (var (id, (gateway, expiresAt)) in _leases)
        {
            if (expiresAt > now)
            {
                live.Add(gateway);
            }
            else
            {
                (expired ??= []).Add(id);
            }
        }

        expired?.ForEach(id => _leases.Remove(id));
        return live;
    }
}
