using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;

namespace OrleansChat.Gateway.Connections;

/// <summary>
/// The local subscriptions of one kind (rooms, watched users), keyed by the grain that sends their events. Every
/// local connection of a key shares one subscription on the grain: the first joiner subscribes, the others await
/// the same call, and a failed call is forgotten so that the next joiner (or renewal) tries again. The renewal
/// renews the lease of every key that still has connections and releases, and retires, the others; a joiner that
/// finds its key retired makes a new one.
/// </summary>
internal abstract class LeasedSubscriptions<TLocal, TAnswer>(ILogger logger)
    where TLocal : LocalSubscription<TAnswer>
{
    private readonly ConcurrentDictionary<string, TLocal> _table = new(StringComparer.Ordinal);

    public bool TryGet(string key, [MaybeNullWhen(false)] out TLocal local) => _table.TryGetValue(key, out local);

    /// <summary>
    /// Adds the connection to the key's subscription (recording the key in <paramref name="links"/>) and returns the
    /// grain's answer to it. With <paramref name="fresh"/>, a joiner of a subscription made before asks the grain for a
    /// <see cref="CurrentAsync">current answer</see> instead of sharing the first one. Throws what the grain threw.
    /// </summary>
    public async Task<(TLocal Local, TAnswer Answer)> JoinAsync(ChatConnection connection, string key, KeySet? links, bool fresh = false)
    {
        while (true)
        {
            var local = _table.GetOrAdd(key, Create);
            Task<TAnswer> subscription;
            bool isNew;
            lock (local.Gate)
            {
                if (local.Retired)
                {
                    continue;
                }

                local.Add(connection);
                isNew = local.Subscription is null;
                subscription = local.Subscription ??= SubscribeAsync(key);
            }

            links?.Add(key);
            try
            {
                return (local, isNew || !fresh ? await subscription : await CurrentAsync(key));
            }
            catch
            {
                lock (local.Gate)
                {
                    if (local.Subscription == subscription)
                    {
                        local.Subscription = null;
                    }
                }

                throw;
            }
        }
    }

    /// <summary>Takes the connection out of the key's subscription; an empty one is released at the next renewal.</summary>
    public void Leave(ChatConnection connection, string key)
    {
        if (_table.TryGetValue(key, out var local))
        {
            lock (local.Gate)
            {
                local.Remove(connection);
            }
        }
    }

    /// <summary>Renews the leases of the keys that have local connections, and releases the others. Never throws but for cancellation.</summary>
    public Task RenewAsync(ParallelOptions parallelism) =>
        Parallel.ForEachAsync(_table.Values, parallelism, async (local, _) =>
        {
            bool empty;
            lock (local.Gate)
            {
                empty = local.Connections.Length == 0;
                if (empty)
                {
                    local.Retired = true;
                    _table.TryRemove(new KeyValuePair<string, TLocal>(local.Key, local));
                }
            }

            try
            {
                await (empty ? ReleaseAsync(local.Key) : SubscribeAsync(local.Key));
            }
            catch (Exception ex)
            {
                GatewayLog.RenewFailed(logger, ex, local.Key);
            }
        });

    protected abstract TLocal Create(string key);

    /// <summary>Subscribes this gateway to the key's grain, or renews its lease there.</summary>
    protected abstract Task<TAnswer> SubscribeAsync(string key);

    /// <summary>An answer as of now, for a joiner of a subscription made earlier.</summary>
    protected virtual Task<TAnswer> CurrentAsync(string key) => SubscribeAsync(key);

    protected abstract Task ReleaseAsync(string key);
}
