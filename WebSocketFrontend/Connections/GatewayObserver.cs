using OrleansChat.Gateway.Protocol;

namespace OrleansChat.Gateway.Connections;

/// <summary>
/// The gateway's one observer. Rooms and users send each event here once; it is serialized once and the same bytes
/// are queued on every interested local connection.
/// </summary>
internal sealed class GatewayObserver(
    ConnectionRegistry registry, RoomSubscriptions rooms, PresenceWatches watches, GatewayMetrics metrics, TimeProvider time) : IChatGatewayObserver
{
    public Task OnChatEvents(string chatId, IReadOnlyList<ChatEvent> events)
    {
        if (!rooms.TryGet(chatId, out var room))
        {
            return Task.CompletedTask;
        }

        foreach (var e in events)
        {
            switch (e)
            {
                case MessagePosted posted:
                    metrics.MessageArrived(time.GetUtcNow() - posted.Message.SentAt);
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
                case ReceiptChanged receipt:
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

    public async Task OnMembershipChanged(string userId, MembershipChanged change)
    {
        var connections = registry.ConnectionsOf(userId);
        if (connections.Length == 0)
        {
            return;
        }

        var chatId = change.Chat.ChatId;

        // Changes may arrive out of order: each connection applies only the newest it has seen.
        connections = Array.FindAll(connections, c => c.Memberships.TryAdvance(chatId, change.Version));
        if (change.Change == MembershipChange.MemberRemoved)
        {
            foreach (var connection in connections)
            {
                registry.Leave(connection, chatId);
            }
        }
        else
        {
            var peer = change.Chat.Type == ChatType.Direct ? change.Chat.Members.FirstOrDefault(m => m.UserId != userId)?.UserId : null;
            await registry.JoinAsync(connections, chatId, peer);
        }

        Broadcast(Array.FindAll(connections, c => c.Memberships.IsCurrent(chatId, change.Version)), Frames.Chat(change), except: null);
    }

    public Task OnPresenceChanged(Presence presence)
    {
        if (watches.TryGet(presence.UserId, out var watch))
        {
            lock (watch.Gate)
            {
                if (watch.Advance(presence))
                {
                    PresenceWatches.Broadcast(watch.Connections, presence);
                }
            }
        }

        return Task.CompletedTask;
    }

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
}
