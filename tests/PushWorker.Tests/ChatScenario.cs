namespace OrleansChat.PushWorker.Tests;

/// <summary>Users, devices, sessions and messages on the shared cluster, with fresh ids so tests never meet.</summary>
public sealed class ChatScenario(PushCluster cluster) : IDisposable
{
    private readonly List<IChatGatewayObserver> _gateways = [];

    public static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    public IUserGrain User(string userId) => cluster.Client.GetGrain<IUserGrain>(userId);

    /// <summary>Registers a device whose token is <paramref name="tokenPrefix"/> and a fresh suffix; returns (device id, token).</summary>
    public async Task<(string DeviceId, string Token)> Device(string userId, DevicePlatform platform, string tokenPrefix)
    {
        var token = NewId(tokenPrefix.TrimEnd('-'));
        var registration = await User(userId).RegisterDevice(platform, token);
        return (registration.DeviceId, token);
    }

    public async Task<string> DeviceWithToken(string userId, DevicePlatform platform, string token) =>
        (await User(userId).RegisterDevice(platform, token)).DeviceId;

    /// <summary>Connects <paramref name="userId"/> through a gateway, so they count as online.</summary>
    public async Task Online(string userId)
    {
        var gateway = cluster.Client.CreateObjectReference<IChatGatewayObserver>(new NullGateway());
        _gateways.Add(gateway);
        await cluster.Client.GetGrain<ISessionGrain>(NewId("s")).Open(new SessionInfo(userId, gateway, TimeSpan.FromMinutes(5)));
    }

    public async Task<IChatRoomGrain> Group(string ownerId, params string[] memberIds)
    {
        var room = cluster.Client.GetGrain<IChatRoomGrain>(Identifiers.NewGroupChatId(TimeProvider.System));
        await room.CreateGroup(ownerId, "push test", memberIds);
        return room;
    }

    public static Task<SendResult> Send(IChatRoomGrain room, string senderId, string content) =>
        room.Send(new SendCommand(senderId, NewId("c"), content));

    public void Dispose()
    {
        foreach (var gateway in _gateways)
        {
            try
            {
                cluster.Client.DeleteObjectReference<IChatGatewayObserver>(gateway);
            }
            catch (ArgumentException)
            {
                // Already gone with its session; nothing to clean up.
            }
        }
    }
}
