namespace OrleansChat.LoadGen.Mix;

/// <summary>
/// One direct sender's candidates for changes: its own texts once acked (to edit) and the peer's texts once received
/// (to react to), the last <see cref="Kept"/> of each. A kind without a candidate yet is sent as a text. Thread-safe:
/// acks and received frames arrive on other threads than the sender's.
/// </summary>
public sealed class ChangeTargets(string userId, int seed)
{
    /// <summary>People edit and react to recent messages; the room reads its targets from there too.</summary>
    public const int Kept = 16;

    private readonly Lock _gate = new();
    private readonly long[] _own = new long[Kept];
    private readonly long[] _peer = new long[Kept];
    private readonly Random _random = new(seed);
    private long _ownCount;
    private long _peerCount;

    public string UserId { get; } = userId;

    public void OwnTextAcked(long seq)
    {
        lock (_gate)
        {
            _own[_ownCount++ % Kept] = seq;
        }
    }

    /// <summary>Takes a received message: a text from someone else becomes a reaction candidate.</summary>
    public void Received(long seq, string kind, string senderId)
    {
        if (kind != Client.MessageKinds.Text || senderId == UserId)
        {
            return;
        }

        lock (_gate)
        {
            _peer[_peerCount++ % Kept] = seq;
        }
    }

    /// <summary>The kind to send now and its target: <paramref name="wanted"/> when it has a candidate, else a text.</summary>
    public (TrafficKind Kind, long Target) Pick(TrafficKind wanted)
    {
        lock (_gate)
        {
            var (ring, count) = wanted switch
            {
                TrafficKind.Edit => (_own, _ownCount),
                TrafficKind.Reaction => (_peer, _peerCount),
                _ => (_own, 0L),
            };
            return count == 0 ? (TrafficKind.Text, 0) : (wanted, ring[_random.Next((int)Math.Min(count, Kept))]);
        }
    }
}
