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
            // A change newer than this answer may have reached the connection already; then the answer is stale.
            if (presence.Version >= watch.Version)
            {
                watch.Version = presence.Version;
                if (sendCurrent)
                {
                    connection.Enqueue(Frames.Presence(presence.SeenBy(connection.UserId)));
                }
            }
        }
    }

    protected override LocalWatch Create(string key) => new(key);

    protected override Task<Presence> SubscribeAsync(string key) => User(key).WatchPresence(gateway.Self, WatchLease);

    protected override Task<Presence> CurrentAsync(string key) => User(key).GetPresence();

    protected override Task ReleaseAsync(string key) => User(key).UnwatchPresence(gateway.Self);

    private IUserGrain User(string userId) => grains.GetGrain<IUserGrain>(userId);
}
