using System.Collections.Concurrent;
using System.Diagnostics;
using OrleansChat.Client;
using OrleansChat.LoadGen.StandIn;

namespace OrleansChat.LoadGen.Assistant;

/// <summary>
/// The receiving side of the assistant scenario: every connection's <c>chunk</c> and <c>message</c> frames go to the
/// order checker; each delta's stand-in stamps give chunk delivery latency (stand-in to socket, wall clocks of the same
/// machine); the first chunk of each chat's job and its reply are timed from the send.
/// </summary>
internal sealed class AssistantRun(string assistantUserId)
{
    private readonly ConcurrentDictionary<string, long> _sentAt = new();
    private readonly ConcurrentDictionary<string, bool> _firstChunkSeen = new();
    private readonly ConcurrentDictionary<string, bool> _replySeen = new();
    private long _errors;
    private long _lastChunkAt;

    public ChunkOrderChecker Checker { get; } = new();

    public Latency ChunkDelivery { get; } = new();

    public Latency FirstChunk { get; } = new();

    public Latency ChunkZeroDelivery { get; } = new();

    public Latency LaterChunkDelivery { get; } = new();

    public Latency Reply { get; } = new();

    public Latency Ack { get; } = new();

    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>The Stopwatch timestamp of the last chunk frame received (0 before any).</summary>
    public long LastChunkAt => Interlocked.Read(ref _lastChunkAt);

    public void Error(string what)
    {
        if (Interlocked.Increment(ref _errors) <= 5)
        {
            Console.Error.WriteLine(what);
        }
    }

    /// <summary>The frame handler of connection <paramref name="connection"/>, expected to receive <paramref name="chatId"/>'s job.</summary>
    public ServerFrameHandler HandlerFor(int connection, string chatId)
    {
        Checker.Expect(connection, chatId);
        return (in ServerFrame frame) =>
        {
            OnFrame(connection, frame);
            return ValueTask.CompletedTask;
        };
    }

    /// <summary>Marks the send of <paramref name="chatId"/>'s message, just before it goes out.</summary>
    public void Sending(string chatId) => _sentAt[chatId] = Stopwatch.GetTimestamp();

    private void OnFrame(int connection, in ServerFrame frame)
    {
        switch (frame.Type)
        {
            case FrameType.Chunk:
                OnChunk(connection, frame);
                break;
            // The reply is the assistant's message (it must carry its job's id); the user's own message is not counted.
            case FrameType.Message when frame.SenderId == assistantUserId:
                var chatId = frame.ChatId ?? "";
                var jobId = frame.GetString("jobId"u8) ?? "";
                if (_replySeen.TryAdd(chatId, true) && _sentAt.TryGetValue(chatId, out var sent))
                {
                    Reply.RecordSince(sent);
                }

                Checker.Reply(connection, chatId, jobId, frame.Content ?? "");
                break;
            case FrameType.Error when frame.Ref is null:
                Error($"server error without a pending request: {frame.Code} {frame.Message}");
                break;
        }
    }

    private void OnChunk(int connection, in ServerFrame frame)
    {
        var now = StandInChunks.UnixMilliseconds(DateTimeOffset.UtcNow);
        Interlocked.Exchange(ref _lastChunkAt, Stopwatch.GetTimestamp());
        var chatId = frame.ChatId ?? "";
        var delta = frame.GetString("delta"u8) ?? "";
        if (_firstChunkSeen.TryAdd(chatId, true) && _sentAt.TryGetValue(chatId, out var sent))
        {
            FirstChunk.RecordSince(sent);
        }

        var index = frame.GetInt64("index"u8) ?? -1;
        var part = index == 0 ? ChunkZeroDelivery : LaterChunkDelivery;
        StandInChunks.ReadStamps(delta, stamp =>
        {
            var micros = (long)((now - stamp) * 1000);
            ChunkDelivery.Record(micros);
            part.Record(micros);
        });
        Checker.Chunk(connection, chatId, frame.GetString("jobId"u8) ?? "", frame.GetInt64("attempt"u8) ?? 1, index, delta);
    }
}
