namespace OrleansChat.Gateway.Connections;

/// <summary>
/// Something local connections receive events of (a chat, a watched user) under one lease with the grain that
/// sends them. Kept while it has connections; the renewal that finds it empty retires it and drops the lease.
/// </summary>
internal abstract class LocalSubscription<TAnswer>(string key)
{
    /// <summary>The grain's key: a chat id or a user id.</summary>
    public string Key { get; } = key;

    public Lock Gate { get; } = new();

    /// <summary>Copy-on-write under <see cref="Gate"/>, so fan-out reads it without copying.</summary>
    public ChatConnection[] Connections { get; private set; } = [];

    /// <summary>Set once dropped from the gateway's table; a joiner then makes a new one.</summary>
    public bool Retired { get; set; }

    /// <summary>The current subscription attempt, shared by every joiner; null when none succeeded yet or the last one failed.</summary>
    public Task<TAnswer>? Subscription { get; set; }

    public void Add(ChatConnection connection)
    {
        if (Array.IndexOf(Connections, connection) < 0)
        {
            Connections = [.. Connections, connection];
        }
    }

    public void Remove(ChatConnection connection) => Connections = Array.FindAll(Connections, c => c != connection);
}

/// <summary>
/// A chat as this gateway sees it: the local connections of its members, the lease on the room's events, and
/// the seq order of live messages. One-way calls may overtake each other, so a message that arrives ahead of
/// a missing seq waits briefly for it; if it never comes, the later ones go out and clients repair the gap with sync.
/// </summary>
internal sealed class LocalRoom(string chatId, TimeProvider time, TimeSpan reorderWait) : LocalSubscription<TimeSpan>(chatId)
{
    private readonly SortedList<long, byte[]> _held = [];
    private readonly Dictionary<string, long> _typingVersions = new(StringComparer.Ordinal);
    private ITimer? _holdTimer;
    private long _nextSeq;

    public string ChatId => Key;

    /// <summary>Whether a typing change is newer than the last one seen for its user. Call under <see cref="Gate"/>.</summary>
    public bool IsNewest(TypingChanged typing)
    {
        if (_typingVersions.GetValueOrDefault(typing.UserId) >= typing.Version)
        {
            return false;
        }

        _typingVersions[typing.UserId] = typing.Version;
        return true;
    }

    /// <summary>Delivers a live message in seq order. Call under <see cref="Gate"/>.</summary>
    public void Deliver(long seq, byte[] frame)
    {
        if (_nextSeq != 0 && seq < _nextSeq)
        {
            return;
        }

        if (_nextSeq == 0 || seq == _nextSeq)
        {
            Send(seq, frame);
            while (_held.Count > 0 && _held.Keys[0] == _nextSeq)
            {
                Send(_nextSeq, _held.Values[0]);
                _held.RemoveAt(0);
            }

            if (_held.Count == 0)
            {
                _holdTimer?.Dispose();
                _holdTimer = null;
            }

            return;
        }

        _held.TryAdd(seq, frame);
        _holdTimer ??= time.CreateTimer(static state => ((LocalRoom)state!).ReleaseHeld(), this, reorderWait, Timeout.InfiniteTimeSpan);
    }

    private void ReleaseHeld()
    {
        lock (Gate)
        {
            _holdTimer?.Dispose();
            _holdTimer = null;
            foreach (var (seq, frame) in _held)
            {
                Send(seq, frame);
            }

            _held.Clear();
        }
    }

    private void Send(long seq, byte[] frame)
    {
        _nextSeq = seq + 1;
        foreach (var connection in Connections)
        {
            connection.Messages.Deliver(ChatId, seq, frame);
        }
    }
}

/// <summary>A user whose presence local connections watch, and the lease on that user's presence changes.</summary>
internal sealed class LocalWatch(string userId) : LocalSubscription<Presence>(userId)
{
    /// <summary>
    /// The newest presence this gateway has seen of the user, from a change or from any connection's read; null before
    /// the first. Read and written under <see cref="LocalSubscription{TAnswer}.Gate"/>.
    /// </summary>
    public Presence? Latest { get; private set; }

    /// <summary>
    /// Keeps <paramref name="presence"/> when it is newer than <see cref="Latest"/> and answers whether it is; a
    /// presence older than one already seen arrived late and says nothing new. Call under the gate.
    /// </summary>
    public bool Advance(Presence presence)
    {
        if (Latest is not null && presence.Version <= Latest.Version)
        {
            return false;
        }

        Latest = presence;
        return true;
    }
}
