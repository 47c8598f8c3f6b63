namespace OrleansChat;

/// <summary>
/// One user, keyed by user id: their chats, devices, presence over their sessions, and who watches it.
/// Calls flow session -> user and room -> user; the user calls rooms and gateways only one way.
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

    /// <summary>From a room that activated: the member's current reachability.</summary>
    [Alias("GetReachability")]
    Task<MemberReachability> GetReachability();

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
