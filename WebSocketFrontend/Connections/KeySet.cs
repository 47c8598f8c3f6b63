namespace OrleansChat.Gateway.Connections;

/// <summary>A set of grain keys that many threads add to and read.</summary>
internal sealed class KeySet
{
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);

    public void Add(string key)
    {
        lock (_keys)
        {
            _keys.Add(key);
        }
    }

    public void Remove(string key)
    {
        lock (_keys)
        {
            _keys.Remove(key);
        }
    }

    public string[] ToArray()
    {
        lock (_keys)
        {
            return [.. _keys];
        }
    }

    /// <summary>Adds <paramref name="keys"/> unless that would make more than <paramref name="max"/>; then adds none.</summary>
    public bool TryAddWithin(IReadOnlyCollection<string> keys, int max)
    {
        lock (_keys)
        {
            if (_keys.Count + keys.Count(k => !_keys.Contains(k)) > max)
            {
                return false;
            }

            _keys.UnionWith(keys);
            return true;
        }
    }
}
