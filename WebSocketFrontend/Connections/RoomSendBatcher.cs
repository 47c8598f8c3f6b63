using OrleansChat.Gateway.Protocol;

namespace OrleansChat.Gateway.Connections;

/// <summary>
/// Carries this gateway's sends to their rooms with one call in flight per chat: sends that arrive meanwhile wait
/// and go together in the chat's next <see cref="IChatRoomGrain.SendBatch"/>. A chat's sends reach its room in the
/// order the gateway read them, and under load they share one room write, and so one commit, instead of paying a
/// commit round trip each. Each send is answered on its connection with an <c>ack</c> or an <c>error</c>.
/// </summary>
internal sealed class RoomSendBatcher(IGrainFactory grains, GatewayMetrics metrics, TimeProvider time)
{
    /// <summary>Sends in one call at the most; the rest wait for the next call.</summary>
    public const int MaxBatchSize = 256;

    private readonly Lock _gate = new();

    // A chat has an entry while a call of it is in flight: the sends waiting for the next call.
    private readonly Dictionary<string, List<QueuedSend>> _waiting = new(StringComparer.Ordinal);

    /// <summary>Sends at once, or with the chat's next batch if a call of the chat is in flight. Never waits.</summary>
    public void Submit(ChatConnection connection, string chatId, string? reference, SendCommand command)
    {
        var send = new QueuedSend(connection, reference, command, time.GetTimestamp());
        lock (_gate)
        {
            if (_waiting.TryGetValue(chatId, out var next))
            {
                next.Add(send);
                return;
            }

            _waiting[chatId] = [];
        }

        _ = RunAsync(chatId, [send]);
    }

    private async Task RunAsync(string chatId, List<QueuedSend> batch)
    {
        var room = grains.GetGrain<IChatRoomGrain>(chatId);
        while (true)
        {
            await SendAsync(room, batch);
            lock (_gate)
            {
                var next = _waiting[chatId];
                if (next.Count == 0)
                {
                    _waiting.Remove(chatId);
                    return;
                }

                if (next.Count <= MaxBatchSize)
                {
                    _waiting[chatId] = [];
                    batch = next;
                }
                else
                {
                    batch = next.GetRange(0, MaxBatchSize);
                    next.RemoveRange(0, MaxBatchSize);
                }
            }
        }
    }

    /// <summary>One call for the batch; answers every send in it, whatever happens. Never throws.</summary>
    private async Task SendAsync(IChatRoomGrain room, List<QueuedSend> batch)
    {
        IReadOnlyList<SendOutcome> outcomes;
        try
        {
            outcomes = await room.SendBatch([.. batch.Select(s => s.Command)]);
        }
        catch (Exception ex)
        {
            var error = ProtocolErrors.From(ex);
            foreach (var send in batch)
            {
                Answer(send, Frames.Error(error.Code, error.Message, send.Reference, error.RetryAfterMs));
            }

            return;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            var send = batch[i];
            if (outcomes[i].Result is { } result)
            {
                metrics.Acked(time.GetElapsedTime(send.Started));
                Answer(send, Frames.Ack(send.Reference, result));
            }
            else
            {
                var error = ProtocolErrors.From(outcomes[i].Error());
                Answer(send, Frames.Error(error.Code, error.Message, send.Reference, error.RetryAfterMs));
            }
        }
    }

    private static void Answer(QueuedSend send, byte[] frame)
    {
        send.Connection.Enqueue(frame);
        send.Connection.SendCompleted();
    }

    private sealed record QueuedSend(ChatConnection Connection, string? Reference, SendCommand Command, long Started);
}
