using Microsoft.Extensions.Logging;
using OrleansChat.Gateway.Protocol;

namespace OrleansChat.Gateway.Connections;

/// <summary>
/// Carries this gateway's sends to their rooms with one call in flight per connection and chat: that connection's
/// sends to the chat that arrive meanwhile wait and go together in its next <see cref="IChatRoomGrain.SendBatch"/>.
/// So a connection's sends reach the room in the order it sent them, a client that sends faster than commits
/// return has its sends share one room write (and one commit) instead of paying a round trip each, and other
/// senders in the chat never wait for this one. Each send is answered with an <c>ack</c> or an <c>error</c> in its
/// connection's <see cref="AnswerSlot"/>.
/// </summary>
internal sealed class RoomSendBatcher(IGrainFactory grains, GatewayMetrics metrics, TimeProvider time, ILogger<RoomSendBatcher> logger)
{
    /// <summary>Sends in one call at the most; the rest wait for the next call.</summary>
    public const int MaxBatchSize = 256;

    private readonly Lock _gate = new();

    // A connection and chat have an entry while a call of theirs is in flight: the sends waiting for the next call.
    private readonly Dictionary<(ChatConnection Connection, string ChatId), List<QueuedSend>> _waiting = [];

    /// <summary>Sends at once, or with the next batch if a call of this connection and chat is in flight. Never waits.</summary>
    public void Submit(ChatConnection connection, AnswerSlot answer, string chatId, string? reference, SendCommand command)
    {
        var send = new QueuedSend(connection, answer, reference, command, time.GetTimestamp());
        var key = (connection, chatId);
        lock (_gate)
        {
            if (_waiting.TryGetValue(key, out var next))
            {
                next.Add(send);
                return;
            }

            _waiting[key] = [];
        }

        _ = RunAsync(key, [send]);
    }

    private async Task RunAsync((ChatConnection Connection, string ChatId) key, List<QueuedSend> batch)
    {
        var room = grains.GetGrain<IChatRoomGrain>(key.ChatId);
        while (true)
        {
            await SendAsync(room, batch);
            lock (_gate)
            {
                var next = _waiting[key];
                if (next.Count == 0)
                {
                    _waiting.Remove(key);
                    return;
                }

                if (next.Count <= MaxBatchSize)
                {
                    _waiting[key] = [];
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
            // One failure of the whole batch: one log line, and every send of it answers with its trace id.
            var error = ProtocolErrors.From(ex, logger);
            foreach (var send in batch)
            {
                Answer(send, Frames.Error(error, send.Reference));
            }

            return;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            var send = batch[i];
            var outcome = outcomes[i];
            if (outcome.IsStored)
            {
                metrics.Acked(time.GetElapsedTime(send.Started));
                Answer(send, Frames.Ack(send.Reference, outcome.Ack));
            }
            else
            {
                Answer(send, Frames.Error(ProtocolErrors.From(outcome.ErrorCode.Value, outcome.ErrorMessage, logger), send.Reference));
            }
        }
    }

    private static void Answer(QueuedSend send, byte[] frame) => send.Connection.Answer(send.Answer, frame);

    private sealed record QueuedSend(ChatConnection Connection, AnswerSlot Answer, string? Reference, SendCommand Command, long Started);
}
