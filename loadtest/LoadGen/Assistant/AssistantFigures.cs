namespace OrleansChat.LoadGen.Assistant;

/// <summary>
/// What the assistant scenario measures beyond the common result: the time to the first chunk through the system and
/// straight from the stand-in, and the checks on what was delivered and stored (issue 14's "Speed").
/// </summary>
public sealed record AssistantFigures
{
    /// <summary>Issue 14's bars: chunk delivery p99 (stand-in to socket) and the time added to the first chunk at p50.</summary>
    public const double ChunkP99TargetMs = 100;

    public const double AddedFirstChunkP50TargetMs = 10;

    public int Jobs { get; init; }

    /// <summary>Chunks per reply and their pace, as the stand-in was asked to stream them (for the record).</summary>
    public string StandIn { get; init; } = "";

    /// <summary>From the send to the first <c>chunk</c> frame of its job on any of the chat's connections.</summary>
    public LatencySummary FirstChunk { get; init; } = new(0, 0, 0, 0, 0);

    /// <summary>From the request to the first delta, the same request posted straight to the stand-in, as many at once.</summary>
    public LatencySummary FirstChunkDirect { get; init; } = new(0, 0, 0, 0, 0);

    /// <summary>Stand-in to socket of each job's chunk 0 only: where the start of 200 jobs at once weighs.</summary>
    public LatencySummary ChunkZeroDelivery { get; init; } = new(0, 0, 0, 0, 0);

    /// <summary>Stand-in to socket of every later chunk: the steady stream.</summary>
    public LatencySummary LaterChunkDelivery { get; init; } = new(0, 0, 0, 0, 0);

    /// <summary>From the send to the reply's <c>message</c> frame on the sender's connection.</summary>
    public LatencySummary Reply { get; init; } = new(0, 0, 0, 0, 0);

    public double AddedFirstChunkP50Ms => FirstChunk.P50Ms - FirstChunkDirect.P50Ms;

    /// <summary>Chats whose history holds the reply exactly once.</summary>
    public int StoredOnce { get; init; }

    /// <summary>Chats whose history holds the reply zero times or more than once.</summary>
    public int StoredNotOnce { get; init; }

    public long MissingReplies { get; init; }

    public long Mismatches { get; init; }

    public long Restarts { get; init; }

    /// <summary>Chunks of an earlier attempt that came after a later one had begun (dropped).</summary>
    public long Stale { get; init; }

    public bool Passed => StoredNotOnce == 0 && MissingReplies == 0 && Mismatches == 0;
}
