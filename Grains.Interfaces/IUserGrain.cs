using Orleans.Concurrency;

namespace OrleansChat;

/// <summary>
/// One user, keyed by user id: their chats, devices, presence over their sessions, who watches it, their mutes and blocks.
/// Calls flow session -> user and room -> user; the user calls rooms and gateways one way, but for the rooms a change
/// of mute or block concerns, whose method interleaves (as do the methods rooms call here while that call waits).
/// </summary>
[Alias("chat.IUserGrain")]
public interface IUserGrain : IGrainWithStringKey
{
    [Alias("GetChats")]
    Task<IReadOnlyList<UserChat>> GetChats();

    /// <summary>From a room: the user is now a member; returns what the room needs for push decisions.</summary>
    [Alias("JoinChat")]
    Task<MemberReachability> JoinChat(UserChat chat, MembershipChanged change);

    /// <summary>From a room: the user is no longer a member.</summary>
    [Alias("LeaveChat")]
    Task LeaveChat(MembershipChanged change);

    /// <summary>
    /// From a room that activated: the member's current reachability in that chat. Interleaves, as it only reads: the
    /// user may be waiting on that very room (<see cref="SetChatSettings"/>, <see cref="Block"/>).
    /// </summary>
    [Alias("GetChatReachability")]
    [AlwaysInterleave]
    Task<MemberReachability> GetReachability(string chatId);

    /// <summary>From a room deciding whether <paramref name="userId"/> may open a direct chat with, or add, this user.</summary>
    [Alias("Blocks")]
    [AlwaysInterleave]
    Task<bool> Blocks(string userId);

    /// <summary>The user's chats that are muted now, by chat id; a chat without an entry is not muted.</summary>
    [Alias("GetMutedChats")]
    Task<IReadOnlyDictionary<string, ChatSettings>> GetMutedChats();

    /// <summary>Mutes or unmutes one of the user's chats; its room knows before this returns.</summary>
    [Alias("SetChatSettings")]
    Task<ChatSettings> SetChatSettings(string chatId, ChatSettings settings);

    /// <summary>Blocks a user (PROTOCOL.md 6.5); the user's rooms know before this returns. Blocking twice changes nothing.</summary>
    [Alias("Block")]
    Task Block(string userId);

    [Alias("Unblock")]
    Task Unblock(string userId);

    /// <summary>The users this user blocked, in the order they were blocked.</summary>
    [Alias("GetBlocked")]
    Task<IReadOnlyList<string>> GetBlocked();

    /// <summary>A session of this user opened through <paramref name="gateway"/>, as <see cref="SessionAlive"/>; returns the user's chats.</summary>
    [Alias("SessionOpened")]
    Task<IReadOnlyList<UserChat>> SessionOpened(string sessionId, IChatGatewayObserver gateway, TimeSpan lease);

    /// <summary>A session of this user is connected through <paramref name="gateway"/>; renews its lease.</summary>
    [Alias("SessionAlive")]
    Task SessionAlive(string sessionId, IChatGatewayObserver gateway, TimeSpan lease);

    [Alias("SessionEnded")]
    Task SessionEnded(string sessionId);

    [Alias("GetPresence")]
    Task<Presence> GetPresence();

    /// <summary>Registers or renews a gateway's lease on this user's presence changes; returns the current presence.</summary>
    [Alias("WatchPresence")]
    Task<Presence> WatchPresence(IChatGatewayObserver gateway, TimeSpan lease);

    [Alias("UnwatchPresence")]
    Task UnwatchPresence(IChatGatewayObserver gateway);

    [Alias("RegisterDevice")]
    Task<DeviceRegistration> RegisterDevice(DevicePlatform platform, string token);

    /// <summary>Returns false when the user has no such device.</summary>
    [Alias("RemoveDevice")]
    Task<bool> RemoveDevice(string deviceId);

    [Alias("GetDevices")]
    Task<IReadOnlyList<Device>> GetDevices();
}
