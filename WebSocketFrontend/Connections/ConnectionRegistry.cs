using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansChat.Gateway.Connections;

/// <summary>
/// The connections on this gateway: which belong to which user, and what each is subscribed to, so that it can be
/// taken out of everything when it goes. Attaching a connection subscribes it to its chats and direct peers.
/// </summary>
internal sealed class ConnectionRegistry(
    RoomSubscriptions rooms,
    PresenceWatches watches,
    IOptions<GatewayOptions> options,
    ILogger<ConnectionRegistry> logger)
{
    private readonly int _maxWatchedUsers = options.Value.MaxWatchedUsersPerConnection;
    private readonly ConcurrentDictionary<string, ChatConnection[]> _users = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<ChatConnection, ConnectionLinks> _connections = new();

    /// <summary>Every attached connection, as of the moment it is enumerated.</summary>
    public ICollection<ChatConnection> Connections => _connections.Keys;

    /// <summary>The user's connections here; copy-on-write, so callers may keep it.</summary>
    public ChatConnection[] ConnectionsOf(string userId) => _users.GetValueOrDefault(userId) ?? [];

    /// <summary>Registers a connection that has opened its session, and subscribes it to its chats and direct peers.</summary>
    public Task AttachAsync(ChatConnection connection, IReadOnlyList<UserChat> chats)
    {
        _connections[connection] = new ConnectionLinks();
        _users.AddOrUpdate(connection.UserId, _ => [connection], (_, existing) => [.. existing, connection]);
        return WhenAllLogged(chats.Select(c => JoinRoomAsync(connection, c.ChatId))
            .Concat(chats.Where(c => c.PeerId is not null).Select(c => WatchAsync(connection, c.PeerId!, sendCurrent: false))));
    }

    /// <summary>Forgets a connection everywhere. Empty rooms and watches are released at the next renewal.</summary>
    public void Detach(ChatConnection connection)
    {
        if (!_connections.TryRemove(connection, out var links))
        {
            return;
        }

        var remaining = _users.AddOrUpdate(connection.UserId, _ => [], (_, existing) => Array.FindAll(existing, c => c != connection));
        if (remaining.Length == 0)
        {
            _users.TryRemove(new KeyValuePair<string, ChatConnection[]>(connection.UserId, remaining));
        }

        foreach (var chatId in links.Chats.ToArray())
        {
            rooms.Leave(connection, chatId);
        }

        foreach (var userId in links.Watched.ToArray())
        {
            watches.Leave(connection, userId);
        }
    }

    /// <summary>Subscribes connections their user's membership change added to a chat, and to its peer in a direct chat.</summary>
    public Task JoinAsync(ChatConnection[] connections, string chatId, string? peerId) =>
        WhenAllLogged(connections.Select(c => JoinRoomAsync(c, chatId))
            .Concat(peerId is null ? [] : connections.Select(c => WatchAsync(c, peerId, sendCurrent: false))));

    public void Leave(ChatConnection connection, string chatId)
    {
        LinksOf(connection)?.Chats.Remove(chatId);
        rooms.Leave(connection, chatId);
    }

    /// <summary>
    /// Counts <paramref name="userIds"/> against the connection's watch limit: false, and nothing counted, when the
    /// users it watched on request before and these would be more than the limit.
    /// </summary>
    public bool TryReserveWatches(ChatConnection connection, IReadOnlyCollection<string> userIds) =>
        LinksOf(connection)?.Requested.TryAddWithin(userIds, _maxWatchedUsers) ?? false;

    /// <summary>Watches a user's presence for the connection; with <paramref name="sendCurrent"/>, queues their current presence.</summary>
    public Task WatchAsync(ChatConnection connection, string userId, bool sendCurrent) =>
        watches.WatchAsync(connection, userId, sendCurrent, LinksOf(connection)?.Watched);

    private Task<(LocalRoom Room, TimeSpan Lease)> JoinRoomAsync(ChatConnection connection, string chatId) =>
        rooms.JoinAsync(connection, chatId, LinksOf(connection)?.Chats);

    private ConnectionLinks? LinksOf(ChatConnection connection) => _connections.GetValueOrDefault(connection);

    /// <summary>
    /// A subscription that failed leaves the connection registered locally; the next renewal subscribes again, and a
    /// client that missed messages meanwhile repairs the gap with sync.
    /// </summary>
    private Task WhenAllLogged(IEnumerable<Task> subscriptions) => Task.WhenAll(subscriptions.Select(LogFailureAsync));

    private async Task LogFailureAsync(Task subscription)
    {
        try
        {
            await subscription;
        }
        catch (Exception ex)
        {
            GatewayLog.SubscribeFailed(logger, ex);
        }
    }

    /// <summary>What one connection is subscribed to here, and the users it asked to watch.</summary>
    private sealed class ConnectionLinks
    {
        public KeySet Chats { get; } = new();

        public KeySet Watched { get; } = new();

        public KeySet Requested { get; } = new();
    }
}
