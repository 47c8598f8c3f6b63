using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;
using OrleansChat.Grains.Assistant;

namespace OrleansChat.Grains.Tests;

/// <summary>
/// Stands in for the providers: each prompt has a script that the test writes attempt by attempt (a delta, a failure,
/// the end), so a test decides exactly when a reply streams, fails or completes. Prompts are unique per test.
/// </summary>
public sealed class ScriptedReplies : IAssistantReplies
{
    public const string Provider = "scripted";

    private readonly ConcurrentDictionary<string, ReplyScript> _scripts = new(StringComparer.Ordinal);

    public ReplyScript For(string prompt) => _scripts.GetOrAdd(prompt, _ => new ReplyScript());

    public IAsyncEnumerable<AssistantReplyUpdate> StreamAsync(AssistantRequest request, CancellationToken cancellationToken) =>
        For(request.Prompt).RunAsync(request.Attempt, cancellationToken);
}

/// <summary>The steps of one prompt's attempts, written by the test and read by the job as it asks.</summary>
public sealed class ReplyScript
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<int, Channel<Func<AssistantReplyUpdate>>> _steps = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource> _started = new();

    /// <summary>Completes when the job has asked for attempt <paramref name="attempt"/>.</summary>
    public Task Started(int attempt) => Signal(attempt).Task.WaitAsync(WaitLimit, TestContext.Current.CancellationToken);

    public bool HasStarted(int attempt) => Signal(attempt).Task.IsCompleted;

    public void Say(int attempt, string delta) => Steps(attempt).Writer.TryWrite(() => new AssistantReplyUpdate(ScriptedReplies.Provider, delta));

    public void Fail(int attempt, Exception failure) => Steps(attempt).Writer.TryWrite(() => throw failure);

    public void End(int attempt) => Steps(attempt).Writer.TryComplete();

    internal async IAsyncEnumerable<AssistantReplyUpdate> RunAsync(int attempt, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Signal(attempt).TrySetResult();
        await foreach (var step in Steps(attempt).Reader.ReadAllAsync(cancellationToken))
        {
            yield return step();
        }
    }

    private Channel<Func<AssistantReplyUpdate>> Steps(int attempt) => _steps.GetOrAdd(attempt, _ => Channel.CreateUnbounded<Func<AssistantReplyUpdate>>());

    private TaskCompletionSource Signal(int attempt) =>
        _started.GetOrAdd(attempt, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}

/// <summary>Records every chunk a job publishes, so tests await chunks instead of sleeping.</summary>
public sealed class RecordingChunkPublisher : IChunkPublisher
{
    private readonly Lock _gate = new();
    private readonly List<AssistantChunk> _chunks = [];
    private readonly List<(string JobId, int Count, TaskCompletionSource Done)> _waiters = [];

    public Task PublishAsync(IReadOnlyList<AssistantChunk> chunks)
    {
        lock (_gate)
        {
            _chunks.AddRange(chunks);
            _waiters.RemoveAll(w =>
            {
                if (_chunks.Count(c => c.JobId == w.JobId) < w.Count)
                {
                    return false;
                }

                w.Done.TrySetResult();
                return true;
            });
        }

        return Task.CompletedTask;
    }

    public IReadOnlyList<AssistantChunk> Of(string jobId)
    {
        lock (_gate)
        {
            return [.. _chunks.Where(c => c.JobId == jobId)];
        }
    }

    public Task WaitForAsync(string jobId, int count)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_chunks.Count(c => c.JobId == jobId) >= count)
            {
                return Task.CompletedTask;
            }

            _waiters.Add((jobId, count, done));
        }

        return done.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }
}

/// <summary>
/// A chat cluster whose assistant replies come from <see cref="ScriptedReplies"/>, whose chunks go to
/// <see cref="RecordingChunkPublisher"/>, and whose clock (backoff, retention, rate windows) is a fake the tests move.
/// Small limits make them easy to reach: 3 attempts, 3 jobs per user per minute, 20 characters per reply.
/// </summary>
public sealed class AssistantClusterFixture : ChatClusterFixture
{
    public static readonly TimeSpan InitialBackoff = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(40);
    public static readonly TimeSpan JobRetention = TimeSpan.FromMinutes(1);
    public const int MaxAttempts = 3;
    public const int JobsPerMinute = 3;
    public const int MaxOutputCharacters = 20;

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public ScriptedReplies Replies { get; } = new();

    public RecordingChunkPublisher Chunks { get; } = new();

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Assistant:MaxAttempts"] = MaxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Assistant:InitialBackoff"] = InitialBackoff.ToString(),
        ["Assistant:MaxBackoff"] = MaxBackoff.ToString(),
        ["Assistant:JobsPerMinute"] = JobsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Assistant:JobRetention"] = JobRetention.ToString(),
        ["Assistant:MaxOutputCharacters"] = MaxOutputCharacters.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    protected override void Configure(InProcessTestClusterBuilder builder) =>
        builder.ConfigureSilo((_, silo) => silo.Services
            .AddSingleton<TimeProvider>(Clock)
            .AddSingleton<IAssistantReplies>(Replies)
            .AddSingleton<IChunkPublisher>(Chunks));
}

[CollectionDefinition(Name)]
public sealed class SharedAssistantCluster : ICollectionFixture<AssistantClusterFixture>
{
    public const string Name = "Chat cluster with a scripted assistant";
}
