using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansChat.Gateway.Protocol;

namespace OrleansChat.Gateway.Connections;

/// <summary>
/// The gateway's one observer and its local tables: which connections belong to which user, which chats and
/// which watched users have local connections, and the leases that keep rooms and users sending here.
/// Rooms and users send each event here once; the hub serializes it once and queues the same bytes on every
/// interested connection.
/// </summary>
public sealed partial class GatewayHub(
    IGrainFactory grains,
    IOptions<GatewayOptions> options,
    TimeProvider time,
    ILogger<GatewayHub> logger) : IChatGatewayObserver, IHostedService, IDisposable
{
    /// <summary>How often leases on rooms and watched users are renewed; rooms grant longer leases than this.</summary>
    public static readonly TimeSpan LeaseRenewInterval = TimeSpan.FromSeconds(30);

    /// <summary>The lease asked of users whose presence is watched from here.</summary>
    public static readonly TimeSpan WatchLease = TimeSpan.FromSeconds(90);

    private readonly GatewayOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, LocalRoom> _rooms = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, LocalWatch> _watches = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ChatConnection[]> _users = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<ChatConnection, ConnectionLinks> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private IChatGatewayObserver? _self;
    private Task _background = Task.CompletedTask;

    /// <summary>This gateway as rooms and users address it.</summary>
    public IChatGatewayObserver Self => LazyInitializer.EnsureInitialized(ref _self, () => grains.CreateObjectReference<IChatGatewayObserver>(this));

    public SessionInfo SessionOf(ChatConnection connection) => new(connection.UserId, Self, _options.HeartbeatInterval);

    /// <summary>Registers a connection that has opened its session, and subscribes it to its chats and direct peers.</summary>
    public async Task AttachAsync(ChatConnection connection, IReadOnlyList<UserChat> chats)
    {
        _connections[connection] = new ConnectionLinks();
        _users.AddOrUpdate(connection.UserId, _ => [connection], (_, existing) => [.. existing, connection]);
        await Task.WhenAll(chats.Select(c => JoinRoomAsync(connection, c.ChatId))
            .Concat(chats.Where(c => c.PeerId is not null).Select(c => WatchAsync(connection, c.PeerId!, sendCurrent: false)))
            .Select(LogFailureAsync));
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
        foreach (var chatId in links.Chats())
        {
            LeaveRoom(connection, chatId);
        }

        foreach (var userId in links.Watched())
        {
            if (_watches.TryGetValue(userId, out var watch))
            {
                lock (watch.Gate)
                {
                    watch.Remove(connection);
                }
            }
        }
    }

    /// <summary>
    /// Counts <paramref name="userIds"/> against the connection's watch limit: false, and nothing counted, when the
    /// users it watched on request before and these would be more than the limit.
    /// </summary>
    public bool TryReserveWatches(ChatConnection connection, IReadOnlyCollection<string> userIds) =>
        LinksOf(connection)?.TryRequest(userIds, _options.MaxWatchedUsersPerConnection) ?? false;

    /// <summary>Watches a user's presence for the connection; with <paramref name="sendCurrent"/>, queues their current presence.</summary>
    public async Task WatchAsync(ChatConnection connection, string userId, bool sendCurrent)
    {
        while (true)
        {
            var watch = _watches.GetOrAdd(userId, id => new LocalWatch(id));
            Task<Presence> subscription;
            bool isNew;
            lock (watch.Gate)
            {
                if (watch.Retired)
                {
                    continue;
                }

                watch.Add(connection);
                isNew = watch.Subscription is null;
                subscription = watch.Subscription ??= User(userId).WatchPresence(Self, WatchLease);
            }

            LinksOf(connection)?.Watch(userId);
            Presence presence;
            try
            {
                presence = isNew || !sendCurrent ? await subscription : await User(userId).GetPresence();
            }
            catch
            {
                lock (watch.Gate)
                {
                    if (watch.Subscription == subscription)
                    {
                        watch.Subscription = null;
                    }
                }

                throw;
            }

            lock (watch.Gate)
            {
                // A change newer than this answer may have reached the connection already; then the answer is stale.
                if (presence.Version >= watch.Version)
                {
                    watch.Version = presence.Version;
                    if (sendCurrent)
                    {
                        connection.Enqueue(Frames.Presence(presence));
                    }
                }
            }

            return;
        }
    }

    Task IChatGatewayObserver.OnChatEvents(string chatId, IReadOnlyList<ChatEvent> events)
    {
        if (!_rooms.TryGetValue(chatId, out var room))
        {
            return Task.CompletedTask;
        }

        foreach (var e in events)
        {
            switch (e)
            {
                case MessagePosted posted:
                    var frame = Frames.Message(posted.Message);
                    lock (room.Gate)
                    {
                        room.Deliver(posted.Message.Seq, frame);
                    }

                    break;
                case TypingChanged typing:
                    lock (room.Gate)
                    {
                        if (room.IsNewest(typing))
                        {
                            Broadcast(room.Connections, Frames.Typing(typing), except: typing.UserId);
                        }
                    }

                    break;
                case ReadReceipt receipt:
                    Broadcast(room.Connections, Frames.Receipt(receipt), except: null);
                    break;
                case MembershipChanged change:
                    // The user it is about hears of it through their own grain (OnMembershipChanged).
                    Broadcast(room.Connections, Frames.Chat(change), except: change.UserId);
                    break;
            }
        }

        return Task.CompletedTask;
    }

    async Task IChatGatewayObserver.OnMembershipChanged(string userId, MembershipChanged change)
    {
        if (!_users.TryGetValue(userId, out var connections) || connections.Length == 0)
        {
            return;
        }

        var chatId = change.Chat.ChatId;

        // Changes may arrive out of order: each connection applies only the newest it has seen.
        connections = Array.FindAll(connections, c => c.TryAdvanceMembership(chatId, change.Version));
        if (change.Change == MembershipChange.MemberRemoved)
        {
            foreach (var connection in connections)
            {
                LeaveRoom(connection, chatId);
            }
        }
        else
        {
            var peer = change.Chat.Type == ChatType.Direct ? change.Chat.Members.FirstOrDefault(m => m.UserId != userId)?.UserId : null;
            await Task.WhenAll(connections.Select(c => JoinRoomAsync(c, chatId))
                .Concat(peer is null ? [] : connections.Select(c => WatchAsync(c, peer, sendCurrent: false)))
                .Select(LogFailureAsync));
        }

        Broadcast(Array.FindAll(connections, c => c.IsCurrentMembership(chatId, change.Version)), Frames.Chat(change), except: null);
    }

    Task IChatGatewayObserver.OnPresenceChanged(Presence presence)
    {
        if (_watches.TryGetValue(presence.UserId, out var watch))
        {
            lock (watch.Gate)
            {
                if (presence.Version > watch.Version)
                {
                    watch.Version = presence.Version;
                    Broadcast(watch.Connections, Frames.Presence(presence), except: null);
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _background = Task.WhenAll(
            RepeatAsync(LeaseRenewInterval, RenewLeasesAsync),
            RepeatAsync(_options.HeartbeatInterval, SendHeartbeatsAsync));
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _background.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose() => _stopping.Dispose();

    private async Task JoinRoomAsync(ChatConnection connection, string chatId)
    {
        while (true)
        {
            var room = _rooms.GetOrAdd(chatId, id => new LocalRoom(id, time, TimeSpan.FromMilliseconds(_options.ReorderWaitMilliseconds)));
            Task subscription;
            lock (room.Gate)
            {
                if (room.Retired)
                {
                    continue;
                }

                room.Add(connection);
                subscription = room.Subscription ??= Room(chatId).Subscribe(Self);
            }

            LinksOf(connection)?.Join(chatId);
            try
            {
                await subscription;
            }
            catch
            {
                lock (room.Gate)
                {
                    if (room.Subscription == subscription)
                    {
                        room.Subscription = null;
                    }
                }

                throw;
            }

            return;
        }
    }

    private void LeaveRoom(ChatConnection connection, string chatId)
    {
        LinksOf(connection)?.Leave(chatId);
        if (_rooms.TryGetValue(chatId, out var room))
        {
            lock (room.Gate)
            {
                room.Remove(connection);
            }
        }
    }

    /// <summary>Renews the leases of rooms and watches that have local connections, and releases the others.</summary>
    private async Task RenewLeasesAsync(CancellationToken cancellationToken)
    {
        await RenewAsync(_rooms, id => Room(id).Subscribe(Self), id => Room(id).Unsubscribe(Self), cancellationToken);
        await RenewAsync(_watches, id => User(id).WatchPresence(Self, WatchLease), id => User(id).UnwatchPresence(Self), cancellationToken);
    }

    private async Task RenewAsync<T>(ConcurrentDictionary<string, T> table, Func<string, Task> renew, Func<string, Task> release, CancellationToken cancellationToken)
        where T : LocalSubscription
    {
        await Parallel.ForEachAsync(table.Values, Parallelism(cancellationToken), async (local, _) =>
        {
            bool empty;
            lock (local.Gate)
            {
                empty = local.Connections.Length == 0;
                if (empty)
                {
                    local.Retired = true;
                    table.TryRemove(new KeyValuePair<string, T>(local.Key, local));
                }
            }

            await Renew(local.Key, empty ? release(local.Key) : renew(local.Key));
        });
    }

    /// <summary>Tells each connection's session grain that its device is still here.</summary>
    private Task SendHeartbeatsAsync(CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(_connections.Keys, Parallelism(cancellationToken), async (connection, _) =>
            await Renew(connection.SessionId, grains.GetGrain<ISessionGrain>(connection.SessionId).Heartbeat(SessionOf(connection))));

    /// <summary>
    /// A subscription that failed leaves the connection registered locally; the next renewal subscribes again,
    /// and a client that missed messages meanwhile repairs the gap with sync.
    /// </summary>
    private async Task LogFailureAsync(Task subscription)
    {
        try
        {
            await subscription;
        }
        catch (Exception ex)
        {
            LogSubscribeFailed(ex);
        }
    }

    private async Task Renew(string key, Task renewal)
    {
        try
        {
            await renewal;
        }
        catch (Exception ex)
        {
            LogRenewFailed(ex, key);
        }
    }

    private async Task RepeatAsync(TimeSpan period, Func<CancellationToken, Task> work)
    {
        using var timer = new PeriodicTimer(period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token))
            {
                await work(_stopping.Token);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static ParallelOptions Parallelism(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = 64, CancellationToken = cancellationToken };

    private static void Broadcast(ChatConnection[] connections, byte[] frame, string? except)
    {
        foreach (var connection in connections)
        {
            if (connection.UserId != except)
            {
                connection.Enqueue(frame);
            }
        }
    }

    private ConnectionLinks? LinksOf(ChatConnection connection) => _connections.GetValueOrDefault(connection);

    private IChatRoomGrain Room(string chatId) => grains.GetGrain<IChatRoomGrain>(chatId);

    private IUserGrain User(string userId) => grains.GetGrain<IUserGrain>(userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing the lease on {Key} failed; the next renewal tries again")]
    private partial void LogRenewFailed(Exception exception, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscribing a connection failed; the next renewal tries again")]
    private partial void LogSubscribeFailed(Exception exception);

    /// <summary>What one connection is subscribed to here, so that it can be taken out of everything when it goes.</summary>
    private sealed class ConnectionLinks
    {
        private readonly HashSet<string> _chats = [];
        private readonly HashSet<string> _watched = [];
        private readonly HashSet<string> _requested = new(StringComparer.Ordinal);

        public void Join(string chatId)
        {
            lock (_chats)
            {
                _chats.Add(chatId);
            }
        }

        public void Leave(string chatId)
        {
            lock (_chats)
            {
                _chats.Remove(chatId);
            }
        }

        public string[] Chats()
        {
            lock (_chats)
            {
                return [.. _chats];
            }
        }

        public void Watch(string userId)
        {
            lock (_watched)
            {
                _watched.Add(userId);
            }
        }

        public bool TryRequest(IReadOnlyCollection<string> userIds, int max)
        {
            lock (_requested)
            {
                if (_requested.Count + userIds.Count(u => !_requested.Contains(u)) > max)
                {
                    return false;
                }

                _requested.UnionWith(userIds);
                return true;
            }
        }

        public string[] Watched()
        {
            lock (_watched)
            {
                return [.. _watched];
            }
        }
    }
}
