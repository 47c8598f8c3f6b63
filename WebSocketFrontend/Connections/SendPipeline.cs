using Microsoft.Extensions.Logging;
using OrleansChat.Gateway.Protocol;

namespace OrleansChat.Gateway.Connections;

/// <summary>
/// One connection's sends, from admission to answer. At most <see cref="GatewayOptions.MaxSendsInFlight"/> wait for
/// their answer; each chat has one <see cref="IChatRoomGrain.SendBatch"/> call in flight, and the sends to it that
/// arrive meanwhile go together in its next call. So the sends reach each room in the order they were sent, a client
/// that sends faster than commits return shares one room write (and one commit) among many sends, and other senders
/// in the chat never wait for this one. Answers (an <c>ack</c> or an <c>error</c>) are queued in the order the sends
/// were read: one whose earlier sends are still waiting, say in a slower chat, waits for them.
/// </summary>
internal sealed class SendPipeline(
    ChatConnection connection,
    IGrainFactory grains,
    GatewayMetrics metrics,
    TimeProvider time,
    ILogger logger,
    int maxSendsInFlight)
{
    /// <summary>Sends in one call at the most; the rest wait for the next call.</summary>
    public const int MaxBatchSize = 256;

    private readonly Lock _gate = new();
    private Queue<PendingSend>? _unanswered; // the sends read and not answered yet, oldest first; made at the first send
    private Dictionary<string, List<PendingSend>>? _waiting; // per chat with a call in flight: the sends for its next call
    private TaskCompletionSource? _slotFreed;
    private TaskCompletionSource? _answered;

    /// <summary>
    /// Admits a send once fewer than the limit wait for their answer, then sends it at once, or with the next batch of
    /// its chat if a call is in flight. Called by the one reader of the connection, in frame order; completes at
    /// admission, not at the answer, so the next frames are read while this send waits for its commit.
    /// </summary>
    public async ValueTask SubmitAsync(string chatId, string? reference, SendCommand command)
    {
        PendingSend send;
        while (true)
        {
            Task freed;
            lock (_gate)
            {
                _unanswered ??= new Queue<PendingSend>();
                if (_unanswered.Count < maxSendsInFlight)
                {
                    send = new PendingSend(reference, command, time.GetTimestamp());
                    _unanswered.Enqueue(send);
                    _waiting ??= new Dictionary<string, List<PendingSend>>(StringComparer.Ordinal);
                    if (_waiting.TryGetValue(chatId, out var next))
                    {
                        next.Add(send);
                        return;
                    }

                    _waiting[chatId] = [];
                    break;
                }

                freed = (_slotFreed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }

            await freed;
        }

        _ = RunAsync(chatId, [send]);
    }

    /// <summary>Completes when every send read so far is answered.</summary>
    public Task AnsweredAsync()
    {
        lock (_gate)
        {
            return _unanswered is not { Count: > 0 }
                ? Task.CompletedTask
                : (_answered ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }

    private async Task RunAsync(string chatId, List<PendingSend> batch)
    {
        var room = grains.GetGrain<IChatRoomGrain>(chatId);
        while (true)
        {
            await SendAsync(room, batch);
            lock (_gate)
            {
                var next = _waiting![chatId];
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
    private async Task SendAsync(IChatRoomGrain room, List<PendingSend> batch)
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
            Answer(batch[i], AnswerFor(batch[i], outcomes[i]));
        }
    }

    /// <summary>The frame that answers a send: its ack when stored, else the error for the rule it broke.</summary>
    private byte[] AnswerFor(PendingSend send, SendOutcome outcome)
    {
        if (outcome.IsStored)
        {
            metrics.Acked(time.GetElapsedTime(send.Started));
            return Frames.Ack(send.Reference, outcome.Ack);
        }

        return Frames.Error(ProtocolErrors.From(outcome.ErrorCode.Value, outcome.ErrorMessage, logger), send.Reference);
    }

    /// <summary>Records a send's answer and queues every answer, oldest first, that no earlier send holds back any more.</summary>
    private void Answer(PendingSend send, byte[] frame)
    {
        TaskCompletionSource? freed = null;
        TaskCompletionSource? answered = null;
        lock (_gate)
        {
            send.Answer = frame;
            var unanswered = _unanswered!;
            var written = unanswered.Count;
            while (unanswered.TryPeek(out var oldest) && oldest.Answer is { } ready)
            {
                unanswered.Dequeue();
                connection.Enqueue(ready);
            }

            if (unanswered.Count < written)
            {
                (freed, _slotFreed) = (_slotFreed, null);
            }

            if (unanswered.Count == 0)
            {
                (answered, _answered) = (_answered, null);
            }
        }

        freed?.TrySetResult();
        answered?.TrySetResult();
    }

    /// <summary>A send read from the client and not answered yet; its answer waits here for the answers of earlier sends.</summary>
    private sealed class PendingSend(string? reference, SendCommand command, long started)
    {
        public string? Reference { get; } = reference;

        public SendCommand Command { get; } = command;

        public long Started { get; } = started;

        public byte[]? Answer { get; set; }
    }
}
