namespace OrleansChat.Grains;

/// <summary>
/// Gateway observers holding a lease on a grain's events, by key: the gateway's grain id for a room's subscribers
/// and a user's presence watchers, the session id for a user's sessions (one gateway holds many). Each event goes
/// once to each live lease, one way; expired leases are dropped as they are met.
/// </summary>
/// <remarks>
/// Not Orleans' <c>ObserverManager</c>: its <c>Notify</c> awaits each observer in turn, which suits a few observers
/// but not a room's fan-out, where every gateway gets one <c>[OneWay]</c> call and nobody waits (ORLEANS-NOTES.md).
/// </remarks>
internal sealed class GatewayLeases<TKey>(TimeProvider time)
    where TKey : notnull
{
    private readonly Dictionary<TKey, (IChatGatewayObserver Gateway, DateTimeOffset ExpiresAt)> _leases = [];

    /// <summary>The leases held, expired ones not yet dropped included.</summary>
    public int Count => _leases.Count;

    public IEnumerable<TKey> Keys => _leases.Keys;

    /// <summary>The gateway of each lease, expired ones not yet dropped included.</summary>
    public IEnumerable<IChatGatewayObserver> Gateways => _leases.Values.Select(l => l.Gateway);

    /// <summary>Grants or renews a lease; true when none was held under <paramref name="key"/>.</summary>
    public bool Renew(TKey key, IChatGatewayObserver gateway, TimeSpan lease)
    {
        var isNew = !_leases.ContainsKey(key);
        _leases[key] = (gateway, time.GetUtcNow() + lease);
        return isNew;
    }

    public bool Remove(TKey key) => _leases.Remove(key);

    /// <summary>The gateways with a live lease; expired ones are dropped.</summary>
    public List<IChatGatewayObserver> Live()
    {
        var now = time.GetUtcNow();
        var live = new List<IChatGatewayObserver>(_leases.Count);
        foreach (var (key, (gateway, expiresAt)) in _leases)
        {
            if (expiresAt > now)
            {
                live.Add(gateway);
            }
            else
            {
                _leases.Remove(key);
            }
        }

        return live;
    }

    /// <summary>Drops the expired leases; returns how many there were.</summary>
    public int DropExpired()
    {
        var now = time.GetUtcNow();
        var dropped = 0;
        foreach (var (key, (_, expiresAt)) in _leases)
        {
            if (expiresAt <= now && _leases.Remove(key))
            {
                dropped++;
            }
        }

        return dropped;
    }
}
