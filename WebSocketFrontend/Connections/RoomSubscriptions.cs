using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using OrleansChat.Gateway.Protocol;

namespace OrleansChat.Gateway.Connections;

/// <summary>
/// The chats that have local connections, each under a lease on its room's events and with a subscription to its
/// assistant chunks (<see cref="ChunkSubscriptions"/>), both made, renewed and released together.
/// </summary>
internal sealed class RoomSubscriptions(
    IGrainFactory grains,
    GatewayReference gateway,
    ChunkSubscriptions chunks,
    IOptions<GatewayOptions> options,
    TimeProvider time,
    ILogger<RoomSubscriptions> logger) : LeasedSubscriptions<LocalRoom, TimeSpan>(logger)
{
    private readonly TimeSpan _reorderWait = TimeSpan.FromMilliseconds(options.Value.ReorderWaitMilliseconds);
    private Func<AssistantChunk, StreamSequenceToken?, Task>? _onChunk;

    protected override LocalRoom Create(string key) => new(key, time, _reorderWait);

    protected override async Task<TimeSpan> SubscribeAsync(string key)
    {
        var lease = Room(key).Subscribe(gateway.Self);
        await chunks.EnsureAsync(key, _onChunk ??= DeliverChunk);
        return await lease;
    }

    protected override async Task ReleaseAsync(string key)
    {
        var unsubscribed = Room(key).Unsubscribe(gateway.Self);

        // A joiner may have made the chat's room again meanwhile; it keeps the chunk subscription.
        if (!TryGet(key, out _))
        {
            await chunks.ReleaseAsync(key);
        }

        await unsubscribed;
    }

    /// <summary>
    /// Queues the chunk on the chat's local connections as they come: clients order chunks by index. The room's
    /// connections are its members' (a removed member's leave it), so no one else gets them.
    /// </summary>
    private Task DeliverChunk(AssistantChunk chunk, StreamSequenceToken? token)
    {
        if (TryGet(chunk.ChatId, out var room))
        {
            var frame = Frames.Chunk(chunk);
            foreach (var connection in room.Connections)
            {
                connection.Enqueue(frame);
            }
        }

        return Task.CompletedTask;
    }

    private IChatRoomGrain Room(string chatId) => grains.GetGrain<IChatRoomGrain>(chatId);
}
