namespace OrleansChat.LoadGen;

/// <summary>
/// Checks, for each (connection, chat) stream, that <c>message</c> frames arrive with seq 1, 2, 3, ... : a seq that
/// arrives twice is a duplicate, one that arrives after a higher one is a reordering, and one that never arrives
/// (by the time the run has drained, up to the chat's last acked seq) is a gap. Thread-safe.
/// </summary>
public sealed class OrderChecker
{
    private const int MaxReported = 20;

    private readonly Lock _gate = new();
    private readonly Dictionary<(int Connection, string ChatId), Stream> _streams = [];
    private readonly List<string> _violations = [];
    private long _duplicates;
    private long _reorderings;
    private long _gaps;
    private long _received;

    public long Duplicates => Interlocked.Read(ref _duplicates);

    public long Reorderings => Interlocked.Read(ref _reorderings);

    /// <summary>Seqs missing so far: skipped and not (yet) filled, plus those found missing at <see cref="Finish"/>.</summary>
    public long Gaps
    {
        get
        {
            lock (_gate)
            {
                return _gaps + _streams.Values.Sum(s => (long)s.Missing.Count);
            }
        }
    }

    public long Received => Interlocked.Read(ref _received);

    public bool Passed => Duplicates == 0 && Reorderings == 0 && Gaps == 0;

    /// <summary>The first violations seen, in words.</summary>
    public IReadOnlyList<string> Violations
    {
        get
        {
            lock (_gate)
            {
                return [.. _violations];
            }
        }
    }

    /// <summary>Says that a connection receives a chat; its stream starts after <paramref name="afterSeq"/>.</summary>
    public void Expect(int connection, string chatId, long afterSeq = 0)
    {
        lock (_gate)
        {
            _streams.TryAdd((connection, chatId), new Stream { Last = afterSeq });
        }
    }

    /// <summary>Records one received <c>message</c> frame.</summary>
    public void Observe(int connection, string chatId, long seq)
    {
        Interlocked.Increment(ref _received);
        lock (_gate)
        {
            if (!_streams.TryGetValue((connection, chatId), out var stream))
            {
                stream = new Stream();
                _streams[(connection, chatId)] = stream;
            }

            if (seq == stream.Last + 1)
            {
                stream.Last = seq;
            }
            else if (seq > stream.Last + 1)
            {
                for (var missing = stream.Last + 1; missing < seq && stream.Missing.Count < 100_000; missing++)
                {
                    stream.Missing.Add(missing);
                }

                stream.Last = seq;
            }
            else if (stream.Missing.Remove(seq))
            {
                _reorderings++;
                Report($"reordering: connection {connection} got seq {seq} of {chatId} after seq {stream.Last}");
            }
            else
            {
                _duplicates++;
                Report($"duplicate: connection {connection} got seq {seq} of {chatId} again (last {stream.Last})");
            }
        }
    }

    /// <summary>
    /// Ends the run: every stream of a chat should have reached <paramref name="lastSeqByChat"/>; what did not arrive
    /// is a gap. Streams of chats not in the map are checked only for holes.
    /// </summary>
    public void Finish(IReadOnlyDictionary<string, long> lastSeqByChat)
    {
        lock (_gate)
        {
            foreach (var ((connection, chatId), stream) in _streams)
            {
                if (stream.Missing.Count > 0)
                {
                    Report($"gap: connection {connection} never got seq {string.Join(",", stream.Missing.Order().Take(5))} of {chatId}");
                }

                if (lastSeqByChat.TryGetValue(chatId, out var last) && stream.Last < last)
                {
                    _gaps += last - stream.Last;
                    Report($"gap: connection {connection} got {chatId} up to seq {stream.Last}, the chat reached {last}");
                    stream.Last = last;
                }
            }
        }
    }

    /// <summary>Whether every stream of these chats has reached its last seq (the run has drained).</summary>
    public bool HasDrained(IReadOnlyDictionary<string, long> lastSeqByChat)
    {
        lock (_gate)
        {
            return _streams.All(s => !lastSeqByChat.TryGetValue(s.Key.ChatId, out var last) || s.Value.Last >= last);
        }
    }

    private void Report(string violation)
    {
        if (_violations.Count < MaxReported)
        {
            _violations.Add(violation);
        }
    }

    private sealed class Stream
    {
        public long Last { get; set; }

        public HashSet<long> Missing { get; } = [];
    }
}
