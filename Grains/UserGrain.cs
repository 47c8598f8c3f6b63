using Microsoft.Extensions.Options;
using OrleansChat.Hosting;

namespace OrleansChat.Grains;

/// <summary>
/// One user: their chats and devices (durable), their sessions and presence watchers (leases in memory).
/// The user is online while at least one session's lease is live. Rooms and gateways hear from it one way only,
/// but for the rooms a change of mute or block concerns (UserGrain.Settings.cs), whose method interleaves.
/// </summary>
public sealed partial class UserGrain(
    [PersistentState("user", ChatGrainStorage.Name)] IPersistentState<UserState> user,
    IOptions<ChatOptions> options,
    IOptions<Assistant.AssistantOptions> assistant,
    TimeProvider time) : Grain, IUserGrain
{
    private readonly ChatOptions _options = options.Value;
    private readonly string _assistantId = assistant.Value.UserId;
    private readonly GatewayLeases<string> _sessions = new(time);
    private readonly GatewayLeases<GrainId> _watchers = new(time);
    private IGrainTimer? _expiry;
    private IReadOnlyList<string>? _blocked;
    private long _version;

    private string UserId => this.GetPrimaryKeyString();

    private bool Online => _sessions.Count > 0;

    public Task<IReadOnlyList<UserChat>> GetChats() => Task.FromResult<IReadOnlyList<UserChat>>([.. user.State.Chats]);

    public async Task<MemberReachability> JoinChat(UserChat chat, MembershipChanged change)
    {
        if (UserId == _assistantId)
        {
            // The assistant is in a chat with everyone who talks to it: its list would grow with the user base and be
            // written whole at every new chat, for no reader (it has no sessions, and answers from the room). A list
            // stored before is dropped once.
            if (user.State.Chats.Count > 0)
            {
                user.State.Chats.Clear();
                await user.WriteStateAsync();
            }
        }
        else if (!user.State.Chats.Exists(c => c.ChatId == chat.ChatId))
        {
            user.State.Chats.Add(chat);
            await user.WriteStateAsync();
        }

        NotifySessions(change);
        return Reachability(chat.ChatId);
    }

    public async Task LeaveChat(MembershipChanged change)
    {
        if (user.State.Chats.RemoveAll(c => c.ChatId == change.Chat.ChatId) > 0)
        {
            // A mute belongs to the membership: who joins again starts unmuted.
            user.State.MutedChats.Remove(change.Chat.ChatId);
            await user.WriteStateAsync();
        }

        NotifySessions(change);
    }

    public Task<MemberReachability> GetReachability(string chatId) => Task.FromResult(Reachability(chatId));

    public async Task<IReadOnlyList<UserChat>> SessionOpened(string sessionId, IChatGatewayObserver gateway, TimeSpan lease)
    {
        await SessionAlive(sessionId, gateway, lease);
        return await GetChats();
    }

    public Task SessionAlive(string sessionId, IChatGatewayObserver gateway, TimeSpan lease)
    {
        var wasOnline = Online;
        _sessions.Renew(sessionId, gateway, lease);
        StartExpiry(lease);
        if (!wasOnline)
        {
            PresenceChanged();
        }

        return Task.CompletedTask;
    }

    public async Task SessionEnded(string sessionId)
    {
        if (_sessions.Remove(sessionId) && !Online)
        {
            await WentOffline();
        }
    }

    public Task<Presence> GetPresence() => Task.FromResult(CurrentPresence());

    public Task<Presence> WatchPresence(IChatGatewayObserver gateway, TimeSpan lease)
    {
        _watchers.Renew(gateway.GetGrainId(), gateway, lease);
        StartExpiry(lease);
        return Task.FromResult(CurrentPresence());
    }

    public Task UnwatchPresence(IChatGatewayObserver gateway)
    {
        _watchers.Remove(gateway.GetGrainId());
        LeaveIfNobodyNeedsThis();
        return Task.CompletedTask;
    }

    public async Task<DeviceRegistration> RegisterDevice(DevicePlatform platform, string token)
    {
        var existing = user.State.Devices.Find(d => d.Platform == platform && d.Token == token);
        if (existing is not null)
        {
            return new DeviceRegistration(existing.DeviceId, Created: false);
        }

        if (user.State.Devices.Count >= _options.MaxDevicesPerUser)
        {
            throw ChatException.Conflict($"A user has at most {_options.MaxDevicesPerUser} devices; remove one first.");
        }

        var device = new Device(Guid.CreateVersion7(time.GetUtcNow()).ToString("N"), platform, token, time.GetUtcNow());
        user.State.Devices.Add(device);
        await user.WriteStateAsync();
        TellRooms();
        return new DeviceRegistration(device.DeviceId, Created: true);
    }

    public async Task<bool> RemoveDevice(string deviceId)
    {
        if (user.State.Devices.RemoveAll(d => d.DeviceId == deviceId) == 0)
        {
            return false;
        }

        await user.WriteStateAsync();
        TellRooms();
        return true;
    }

    public Task<IReadOnlyList<Device>> GetDevices() => Task.FromResult<IReadOnlyList<Device>>([.. user.State.Devices]);

    /// <summary>Checks leases a few times per lease length while there are any.</summary>
    private void StartExpiry(TimeSpan lease)
    {
        var period = TimeSpan.FromMilliseconds(Math.Max(1000, lease.TotalMilliseconds / 3));
        _expiry ??= this.RegisterGrainTimer(ExpireLeases, new GrainTimerCreationOptions(period, period));
    }

    /// <summary>Ends sessions whose gateway stopped renewing them (it died, or lost them) and drops stale watchers.</summary>
    private async Task ExpireLeases(CancellationToken cancellationToken)
    {
        _watchers.DropExpired();
        if (_sessions.DropExpired() > 0 && !Online)
        {
            await WentOffline();
        }

        if (!Online && _watchers.Count == 0)
        {
            _expiry?.Dispose();
            _expiry = null;
            LeaveIfNobodyNeedsThis();
        }
    }

    /// <summary>
    /// Anyone may watch any user id, so a user with nothing stored (never connected, in no chat, no devices) leaves
    /// as soon as no session and no watch needs it, instead of staying for the collection age. Others stay: they
    /// are likely to be asked again soon.
    /// </summary>
    private void LeaveIfNobodyNeedsThis()
    {
        if (!user.RecordExists && !Online && _watchers.Live().Count == 0)
        {
            DeactivateOnIdle();
        }
    }

    private async Task WentOffline()
    {
        user.State.LastSeen = time.GetUtcNow();
        PresenceChanged();
        await user.WriteStateAsync();
    }

    private void PresenceChanged()
    {
        TellWatchers();
        TellRooms();
    }

    private void TellWatchers()
    {
        var presence = CurrentPresence();
        foreach (var watcher in _watchers.Live())
        {
            _ = watcher.OnPresenceChanged(presence);
        }
    }

    /// <summary>The rooms learn of connectivity and device changes so they can decide on push without calling back.</summary>
    private void TellRooms()
    {
        var reachability = Reachability(chatId: null);
        foreach (var chat in user.State.Chats)
        {
            _ = Room(chat.ChatId).MemberReachabilityChanged(reachability with { Settings = SettingsOf(chat.ChatId) });
        }
    }

    /// <summary>Tells each gateway holding a session of this user, once per gateway.</summary>
    private void NotifySessions(MembershipChanged change)
    {
        foreach (var gateway in _sessions.Gateways.DistinctBy(g => g.GetGrainId()))
        {
            _ = gateway.OnMembershipChanged(UserId, change);
        }
    }

    private MemberReachability Reachability(string? chatId) =>
        new(UserId, Online, [.. user.State.Devices.Select(d => d.DeviceId)], NextVersion(), SettingsOf(chatId), BlockedSnapshot());

    private ChatSettings SettingsOf(string? chatId) =>
        chatId is not null && user.State.MutedChats.TryGetValue(chatId, out var settings) ? settings : ChatSettings.Unmuted;

    /// <summary>An immutable copy of the blocked users, shared by every room and watcher told until the list changes.</summary>
    private IReadOnlyList<string> BlockedSnapshot() => _blocked ??= [.. user.State.Blocked];

    private IChatRoomGrain Room(string chatId) => GrainFactory.GetGrain<IChatRoomGrain>(chatId);

    /// <summary>Orders presence and reachability updates; clock-based so it keeps rising across activations.</summary>
    private long NextVersion() => _version = Math.Max(_version + 1, time.GetUtcNow().UtcTicks);

    // The assistant answers whenever asked, though it never connects: it shows online, as a chat product's bots do.
    private Presence CurrentPresence() => Online || UserId == _assistantId
        ? new Presence(UserId, PresenceStatus.Online, time.GetUtcNow(), NextVersion(), BlockedSnapshot())
        : new Presence(UserId, PresenceStatus.Offline, user.State.LastSeen, NextVersion(), BlockedSnapshot());
}
