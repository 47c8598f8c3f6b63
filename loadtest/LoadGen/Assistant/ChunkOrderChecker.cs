using System.Text;

namespace OrleansChat.LoadGen.Assistant;

/// <summary>
/// The assistant benchmark's checks on what each connection received of each chat's job (PROTOCOL.md 9): the
/// <c>chunk</c> frames of the latest attempt arrive in index order 0, 1, 2, ... with nothing missing or twice, and the
/// stored reply (the <c>message</c> frame carrying the <c>jobId</c>) arrives and equals the deltas joined in index order.
/// A chunk of a higher attempt starts the reply again (a retry), as a client drops what it held; a chunk of a lower
/// attempt after that is stale and ignored. Thread-safe: connections report from their own receive loops.
/// </summary>
public sealed class ChunkOrderChecker
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(int Connection, string ChatId), Stream> _streams = [];
    private readonly List<string> _violations = [];
    private bool _finished;

    public long Chunks { get; private set; }

    /// <summary>Chunks that arrived before one of a lower index of the same attempt (counted when the hole fills; a hole never filled is a gap).</summary>
    public long Reorderings { get; private set; }

    public long Duplicates { get; private set; }

    /// <summary>After <see cref="Finish"/>: chunk indexes below the highest received that never came, per connection.</summary>
    public long Gaps { get; private set; }

    /// <summary>After <see cref="Finish"/>: connections that never received their chat's reply.</summary>
    public long MissingReplies { get; private set; }

    /// <summary>Replies without their <c>jobId</c>, and after <see cref="Finish"/>, replies that differ from the chunks joined in order (chunks lost at the end, or wrong text).</summary>
    public long Mismatches { get; private set; }

    /// <summary>Chunks of an attempt older than one already seen on the connection: dropped, as a client drops them.</summary>
    public long Stale { get; private set; }

    /// <summary>Attempts after the first that a connection saw start.</summary>
    public long Restarts { get; private set; }

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

    public bool Passed => Gaps == 0 && Duplicates == 0 && Reorderings == 0 && MissingReplies == 0 && Mismatches == 0;

    /// <summary>This connection must receive the job and reply of this chat.</summary>
    public void Expect(int connection, string chatId)
    {
        lock (_gate)
        {
            _streams.TryAdd((connection, chatId), new Stream());
        }
    }

    public void Chunk(int connection, string chatId, string jobId, long attempt, long index, string delta)
    {
        lock (_gate)
        {
            Chunks++;
            var stream = StreamOf(connection, chatId);
            stream.JobId ??= jobId;
            if (attempt < stream.Attempt)
            {
                Stale++;
                Violate($"chunk {index} of attempt {attempt} of job {jobId} arrived after attempt {stream.Attempt} began on connection {connection}");
                return;
            }

            if (attempt > stream.Attempt)
            {
                Restarts += stream.Attempt > 0 ? 1 : 0;
                stream.Restart(attempt);
            }

            if (index < stream.Next || stream.Early.ContainsKey(index))
            {
                Duplicates++;
                Violate($"duplicate chunk {index} of job {jobId} (attempt {attempt}) on connection {connection}");
                return;
            }

            if (index > stream.Next)
            {
                stream.Early[index] = delta;
                return;
            }

            stream.Text.Append(delta);
            stream.Next++;
            while (stream.Early.Remove(stream.Next, out var held))
            {
                // The chunk that arrived early came after the one it should have followed: a reordering.
                Reorderings++;
                Violate($"chunk {stream.Next} of job {jobId} arrived before chunk {stream.Next - 1} on connection {connection}");
                stream.Text.Append(held);
                stream.Next++;
            }
        }
    }

    /// <summary>The reply: the assistant's <c>message</c> frame, which must carry its <paramref name="jobId"/> (empty when it did not).</summary>
    public void Reply(int connection, string chatId, string jobId, string content)
    {
        lock (_gate)
        {
            var stream = StreamOf(connection, chatId);
            if (jobId.Length == 0)
            {
                Mismatches++;
                Violate($"the reply in {chatId} carries no jobId on connection {connection} (PROTOCOL.md 9)");
            }

            if (stream.Reply is not null)
            {
                Duplicates++;
                Violate($"reply of job {jobId} delivered twice on connection {connection}");
                return;
            }

            stream.JobId ??= jobId.Length > 0 ? jobId : null;
            stream.Reply = content;
        }
    }

    /// <summary>Whether every expected connection has its chat's reply (the run may stop waiting).</summary>
    public bool HasAllReplies()
    {
        lock (_gate)
        {
            return _streams.Values.All(s => s.Reply is not null);
        }
    }

    /// <summary>
    /// Whether every connection has as much text from chunks as its reply holds. Chunks are best effort and travel apart
    /// from the reply (PROTOCOL.md 9), so the last ones may land just after it; they are waited for before the check.
    /// </summary>
    public bool ChunksCaughtUp()
    {
        lock (_gate)
        {
            return _streams.Values.All(s => s.Reply is null || s.Text.Length >= s.Reply.Length);
        }
    }

    /// <summary>The job id each chat's connections saw, for the history check.</summary>
    public IReadOnlyDictionary<string, string> JobIds()
    {
        lock (_gate)
        {
            return _streams.Where(s => s.Value.JobId is not null).GroupBy(s => s.Key.ChatId).ToDictionary(g => g.Key, g => g.First().Value.JobId!);
        }
    }

    /// <summary>Counts what never came: holes, replies, and replies that differ from their chunks.</summary>
    public void Finish()
    {
        lock (_gate)
        {
            if (_finished)
            {
                return;
            }

            _finished = true;
            foreach (var ((connection, chatId), stream) in _streams)
            {
                if (stream.Early.Count > 0)
                {
                    var missing = stream.Early.Keys.Max() + 1 - stream.Next - stream.Early.Count;
                    Gaps += missing;
                    Violate($"{missing} chunks of job {stream.JobId} in {chatId} never arrived on connection {connection} (from index {stream.Next})");
                }

                if (stream.Reply is null)
                {
                    MissingReplies++;
                    Violate($"no reply of job {stream.JobId ?? "(no chunk either)"} in {chatId} on connection {connection}");
                }
                else if (stream.Early.Count == 0 && !string.Equals(stream.Reply, stream.Text.ToString(), StringComparison.Ordinal))
                {
                    Mismatches++;
                    Violate($"the reply of job {stream.JobId} in {chatId} ({stream.Reply.Length} characters) is not its {stream.Next} chunks joined ({stream.Text.Length}) on connection {connection}");
                }
            }
        }
    }

    private Stream StreamOf(int connection, string chatId)
    {
        if (!_streams.TryGetValue((connection, chatId), out var stream))
        {
            stream = new Stream();
            _streams[(connection, chatId)] = stream;
        }

        return stream;
    }

    private void Violate(string violation)
    {
        if (_violations.Count < 20)
        {
            _violations.Add(violation);
        }
    }

    private sealed class Stream
    {
        public string? JobId { get; set; }

        public long Attempt { get; private set; }

        public long Next { get; set; }

        public SortedDictionary<long, string> Early { get; } = [];

        public StringBuilder Text { get; } = new();

        public string? Reply { get; set; }

        public void Restart(long attempt)
        {
            Attempt = attempt;
            Next = 0;
            Early.Clear();
            Text.Clear();
        }
    }
}
