using OrleansChat.Persistence;

namespace OrleansChat.Grains;

/// <summary>
/// What the room knows, without asking the store, of the last rows it stored: their kind, sender and deleted flag, so
/// that a change to a recent message (the usual edit, reaction or reply) is checked against PROTOCOL.md 6.1 in memory
/// and the write loop does not wait on a read before the batch that holds it.
/// </summary>
/// <remarks>
/// The room is its chat's only writer, so every row and every delete after activation passes through here. Older rows,
/// and every row after a failed write (another activation may have written since), are read from the store.
/// </remarks>
internal sealed class RecentTargets(int capacity)
{
    private readonly Dictionary<long, MessageTarget> _targets = [];
    private readonly Queue<long> _order = new();

    /// <summary>Notes a row just stored; a delete also marks its target deleted.</summary>
    public void Stored(StoredMessage message)
    {
        if (capacity == 0)
        {
            return;
        }

        if (message.Kind == MessageKind.Delete && message.Target is { } target && _targets.TryGetValue(target, out var deleted))
        {
            _targets[target] = deleted with { Deleted = true };
        }

        _targets[message.Seq] = new MessageTarget(message.Seq, message.Kind, message.SenderId, message.Deleted);
        _order.Enqueue(message.Seq);
        while (_order.Count > capacity)
        {
            _targets.Remove(_order.Dequeue());
        }
    }

    public bool TryGet(long seq, out MessageTarget target) => _targets.TryGetValue(seq, out target);

    /// <summary>Forgets everything: what the store holds may have moved on without this room.</summary>
    public void Clear()
    {
        _targets.Clear();
        _order.Clear();
    }
}
