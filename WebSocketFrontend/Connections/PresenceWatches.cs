using Microsoft.Extensions.Logging;
using OrleansChat.Gateway.Protocol;

namespace OrleansChat.Gateway.Connections;

/// <summary>The users whose presence local connections watch, each under a lease on that user's presence changes.</summary>
internal sealed class PresenceWatches(IGrainFactory grains, GatewayReference gateway, ILogger<PresenceWatches> logger)
    : LeasedSubscriptions<LocalWatch, Presence>(logger)
{
    /// <summary>The lease asked of users whose presence is watched from here.</summary>
    public static readonly TimeSpan WatchLease = TimeSpan.FromSeconds(90);

    /// <summary>Watches a user's presence for the connection; with <paramref name="sendCurrent"/>, queues their current presence.</summary>
    public async Task WatchAsync(ChatConnection connection, string userId, bool sendCurrent, KeySet? links)
    {
        var (watch, presence) = await JoinAsync(connection, userId, links, fresh: sendCurrent);
        lock (watch.Gate)
        {
            // Every connection of the watch has been sent what Latest shows. A read that finds a change before its
            // notification arrives owes that change to all of them; a read older than Latest (another connection's
            // read, or a change, overtook it) answers with Latest instead of being dropped.
            var previous = watch.Latest;
            if (watch.Advance(presence) && previous is not null && !presence.ShowsTheSameAs(previous))
            {
                Broadcast(watch.Connections, presence);
            }
            else if (sendCurrent)
            {
                connection.Enqueue(Frames.Presence(watch.Latest!.SeenBy(connection.UserId)));
            }
        }
    }

    /// <summary>Queues the presence on the connections: one frame for everyone, another for the users the watched user blocked.</summary>
    public static void Broadcast(ChatConnection[] connections, Presence presence)
    {
        var frame = Frames.Presence(presence);
        byte[]? hidden = null;
        foreach (var connection in connections)
        {
            connection.Enqueue(presence.IsHiddenFrom(connection.UserId) ? hidden ??= Frames.Presence(presence.Hidden()) : frame);
        }
    }

    protected override LocalWatch Create(string key) => new(key);

    protected override Task<Presence> SubscribeAsync(string key) => User(key).WatchPresence(gateway.Self, WatchLease);

    protected override Task<Presence> CurrentAsync(string key) => User(key).GetPresence();

    protected override Task ReleaseAsync(string key) => User(key).UnwatchPresence(gateway.Self);

    private IUserGrain User(string userId) => grains.GetGrain<IUserGrain>(userId);
}
