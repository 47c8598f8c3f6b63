namespace OrleansChat.Gateway.Connections;

/// <summary>
/// Keeps one connection's <c>message</c> frames of each chat in strictly increasing seq: a live message whose seq
/// was already sent is dropped, and while a <c>sync</c> of its chat is answered, live messages wait and go out after
/// the synced ones, those the sync already sent dropped.
/// </summary>
public sealed class MessageOrder(ChatConnection connection)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _lastSeq = [];
    private readonly Dictionary<string, List<(long Seq, byte[] Frame)>> _syncing = [];

    /// <summary>Queues a live <c>message</c> frame unless its seq was already sent here or a sync of its chat is in progress.</summary>
    public void Deliver(string chatId, long seq, byte[] frame)
    {
        lock (_gate)
        {
            if (_syncing.TryGetValue(chatId, out var held))
            {
                held.Add((seq, frame));
                return;
            }

            if (_lastSeq.TryGetValue(chatId, out var last) && seq <= last)
            {
                return;
            }

            _lastSeq[chatId] = seq;
            connection.Enqueue(frame);
        }
    }

    /// <summary>Live messages of the chat are held back until <see cref="EndSync"/>.</summary>
    public void BeginSync(string chatId)
    {
        lock (_gate)
        {
            _syncing[chatId] = [];
        }
    }

    /// <summary>Queues the synced frames, then the live ones that came meanwhile and are newer.</summary>
    public void EndSync(string chatId, IReadOnlyList<(long Seq, byte[] Frame)> synced)
    {
        lock (_gate)
        {
            if (!_syncing.Remove(chatId, out var held))
            {
                return;
            }

            var last = _lastSeq.GetValueOrDefault(chatId);
            foreach (var (seq, frame) in synced)
            {
                connection.Enqueue(frame);
                last = Math.Max(last, seq);
            }

            foreach (var (seq, frame) in held.OrderBy(h => h.Seq))
            {
                if (seq > last)
                {
                    connection.Enqueue(frame);
                    last = seq;
                }
            }

            _lastSeq[chatId] = last;
        }
    }
}
