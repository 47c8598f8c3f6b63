namespace OrleansChat.Grains;

/// <summary>
/// The acks a room gave recently, by sender and client message id, bounded in count and age.
/// A miss is not proof of a new message: the store's unique key decides then.
/// </summary>
internal sealed class IdempotencyWindow(int capacity, TimeSpan window, TimeProvider time)
{
    private readonly Dictionary<(string SenderId, string ClientMsgId), SendResult> _results = [];
    private readonly Queue<(string SenderId, string ClientMsgId)> _order = new();

    public bool TryGet(string senderId, string clientMsgId, out SendResult result)
    {
        if (_results.TryGetValue((senderId, clientMsgId), out var found) && time.GetUtcNow() - found.SentAt < window)
        {
            result = found;
            return true;
        }

        result = null!;
        return false;
    }

    public void Remember(string senderId, SendResult result)
    {
        var key = (senderId, result.ClientMsgId);
        if (!_results.TryAdd(key, result))
        {
            return;
        }

        _order.Enqueue(key);
        var cutoff = time.GetUtcNow() - window;
        while (_order.Count > capacity || (_order.Count > 0 && _results[_order.Peek()].SentAt < cutoff))
        {
            _results.Remove(_order.Dequeue());
        }
    }
}
