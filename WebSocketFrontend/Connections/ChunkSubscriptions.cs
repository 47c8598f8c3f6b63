using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Streams;

namespace OrleansChat.Gateway.Connections;

/// <summary>
/// This gateway's subscriptions to the chunk streams of the chats it has local connections of (DESIGN.md 7a), kept
/// by <see cref="RoomSubscriptions"/> alongside each room's lease: made when the room is first subscribed, checked at
/// every renewal against what the stream's pub-sub holds for this gateway (one handle resumed, any other dropped, a
/// lost one made again), and dropped with the room. A restarted gateway is a new consumer; Orleans drops the old one's
/// subscriptions at their first failed delivery. Every failure is logged and left to the next renewal: chunks are best
/// effort, the stored reply is the truth.
/// </summary>
internal sealed partial class ChunkSubscriptions(
    [FromKeyedServices(AssistantStreams.ProviderName)] IStreamProvider streams,
    ILogger<ChunkSubscriptions> logger)
{
    private readonly ConcurrentDictionary<string, Subscription> _chats = new(StringComparer.Ordinal);

    /// <summary>Makes sure this gateway receives the chat's chunks through <paramref name="onChunk"/>. Never throws.</summary>
    public async Task EnsureAsync(string chatId, Func<AssistantChunk, StreamSequenceToken?, Task> onChunk)
    {
        try
        {
            while (true)
            {
                var subscription = _chats.GetOrAdd(chatId, static _ => new Subscription());
                await subscription.Gate.WaitAsync();
                try
                {
                    // Released while this waited: the next round makes a new one.
                    if (_chats.TryGetValue(chatId, out var current) && current == subscription)
                    {
                        await subscription.EnsureAsync(Stream(chatId), onChunk);
                        return;
                    }
                }
                finally
                {
                    subscription.Gate.Release();
                }
            }
        }
        catch (Exception ex)
        {
            LogSubscribeFailed(ex, chatId);
        }
    }

    /// <summary>Stops receiving the chat's chunks. Never throws.</summary>
    public async Task ReleaseAsync(string chatId)
    {
        if (!_chats.TryGetValue(chatId, out var subscription))
        {
            return;
        }

        await subscription.Gate.WaitAsync();
        try
        {
            // Unsubscribed before it is forgotten: a joiner meanwhile waits for the gate, then makes a new one.
            if (subscription.Handle is { } handle)
            {
                subscription.Handle = null;
                await handle.UnsubscribeAsync();
            }
        }
        catch (Exception ex)
        {
            LogUnsubscribeFailed(ex, chatId);
        }
        finally
        {
            _chats.TryRemove(new KeyValuePair<string, Subscription>(chatId, subscription));
            subscription.Gate.Release();
        }
    }

    private IAsyncStream<AssistantChunk> Stream(string chatId) =>
        streams.GetStream<AssistantChunk>(StreamId.Create(AssistantStreams.Namespace, chatId));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscribing to the chunks of chat {ChatId} failed; the next renewal tries again")]
    private partial void LogSubscribeFailed(Exception exception, string chatId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unsubscribing from the chunks of chat {ChatId} failed")]
    private partial void LogUnsubscribeFailed(Exception exception, string chatId);

    /// <summary>One chat's subscription here; changed only under <see cref="Gate"/>.</summary>
    private sealed class Subscription
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public StreamSubscriptionHandle<AssistantChunk>? Handle { get; set; }

        public async Task EnsureAsync(IAsyncStream<AssistantChunk> stream, Func<AssistantChunk, StreamSequenceToken?, Task> onChunk)
        {
            var held = await stream.GetAllSubscriptionHandles();
            var keep = held.FirstOrDefault(h => h.HandleId == Handle?.HandleId);
            if (keep is null)
            {
                // Pub-sub lost ours (its state is in memory in the embedded mode) or never had one.
                Handle = held.Count > 0 ? await held[0].ResumeAsync(onChunk) : await stream.SubscribeAsync(onChunk);
            }

            foreach (var extra in held.Where(h => h.HandleId != Handle!.HandleId))
            {
                await extra.UnsubscribeAsync();
            }
        }
    }
}
