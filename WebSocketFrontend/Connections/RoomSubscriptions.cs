using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansChat.Gateway.Connections;

/// <summary>The chats that have local connections, each under a lease on its room's events.</summary>
internal sealed class RoomSubscriptions(
    IGrainFactory grains,
    GatewayReference gateway,
    IOptions<GatewayOptions> options,
    TimeProvider time,
    ILogger<RoomSubscriptions> logger) : LeasedSubscriptions<LocalRoom, TimeSpan>(logger)
{
    private readonly TimeSpan _reorderWait = TimeSpan.FromMilliseconds(options.Value.ReorderWaitMilliseconds);

    protected override LocalRoom Create(string key) => new(key, time, _reorderWait);

    protected override Task<TimeSpan> SubscribeAsync(string key) => Room(key).Subscribe(gateway.Self);

    protected override Task ReleaseAsync(string key) => Room(key).Unsubscribe(gateway.Self);

    private IChatRoomGrain Room(string chatId) => grains.GetGrain<IChatRoomGrain>(chatId);
}
