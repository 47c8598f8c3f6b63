using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace OrleansChat.Persistence.Writing;

/// <summary>
/// A message store's silo-wide append queue and the one writer loop that drains it: the calls waiting when the loop
/// comes round are merged, oldest first and up to a message cap, into one transaction, so a busy silo pays one commit
/// for many rooms. Each caller's task completes only after that transaction commits.
/// </summary>
/// <remarks>
/// <para>
/// The transaction is written without savepoints first; only when a call meets a seq conflict (its room's last seq
/// was stale, or another writer appended) is it rolled back and written again with a savepoint per call, so the
/// conflicting call fails alone with <see cref="StoreUnavailableException"/> and the others commit. A conflict is
/// rare, and two statements per call were a large share of the writer's time. The database's part is an
/// <see cref="IAppendDialect"/>.
/// </para>
/// <para>
/// When the transaction fails otherwise, every call of it faults with <see cref="StoreUnavailableException"/> and the
/// loop goes on. A call cancelled before the loop takes it is skipped and its task cancelled; once taken, it is
/// written. A single call larger than the cap goes alone. After <see cref="Dispose"/> new calls fault with
/// <see cref="ObjectDisposedException"/>; the queued ones still commit, then the dialect is disposed.
/// </para>
/// </remarks>
internal sealed partial class AppendWriter : IAsyncDisposable, IDisposable
{
    private readonly string _storeName;
    private readonly int _maxMessagesPerTransaction;
    private readonly IAppendDialect _dialect;
    private readonly StorageMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Channel<PendingAppend> _appends = Channel.CreateUnbounded<PendingAppend>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
    private readonly Task _loop;

    /// <param name="storeName">The store's name, for <see cref="ObjectDisposedException"/>.</param>
    /// <param name="maxMessagesPerTransaction">The most messages one transaction holds; at least 1.</param>
    /// <param name="dialect">The database's part; the writer disposes it when its loop ends.</param>
    /// <param name="metrics">Where committed transactions are counted.</param>
    /// <param name="logger">The store's logger.</param>
    public AppendWriter(string storeName, int maxMessagesPerTransaction, IAppendDialect dialect, StorageMetrics metrics, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessagesPerTransaction, 1);
        ArgumentNullException.ThrowIfNull(dialect);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(logger);
        _storeName = storeName;
        _maxMessagesPerTransaction = maxMessagesPerTransaction;
        _dialect = dialect;
        _metrics = metrics;
        _logger = logger;
        _loop = Task.Run(RunLoopAsync);
    }

    /// <summary>Validates <paramref name="append"/> and queues it; the task completes once its transaction commits.</summary>
    public Task<IReadOnlyList<AppendOutcome>> AppendAsync(ChatAppend append, CancellationToken cancellationToken)
    {
        AppendChecks.Check(append);

        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<IReadOnlyList<AppendOutcome>>(cancellationToken);
        }

        if (append.Messages.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<AppendOutcome>>([]);
        }

        var pending = new PendingAppend(append, cancellationToken);
        if (!_appends.Writer.TryWrite(pending))
        {
            return Task.FromException<IReadOnlyList<AppendOutcome>>(new ObjectDisposedException(_storeName));
        }

        return pending.Completion.Task;
    }

    /// <summary>Stops taking appends, commits the ones already queued, disposes the dialect, then returns.</summary>
    public async ValueTask DisposeAsync()
    {
        _appends.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    /// <summary>Stops taking appends without waiting: the ones already queued still commit in the background.</summary>
    public void Dispose() => _appends.Writer.TryComplete();

    private async Task RunLoopAsync()
    {
        // A transaction's span takes its parent from its calls, never from whatever this loop was started under.
        Activity.Current = null;
        try
        {
            var reader = _appends.Reader;
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                var calls = TakeCalls(reader);
                if (calls.Count > 0)
                {
                    await WriteAndAnswerAsync(calls).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            await _dialect.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The calls waiting now, oldest first, up to the message cap (a larger single call goes alone).</summary>
    private List<PendingAppend> TakeCalls(ChannelReader<PendingAppend> reader)
    {
        var calls = new List<PendingAppend>();
        var messages = 0;
        while (reader.TryPeek(out var next) && (calls.Count == 0 || messages + next.Append.Messages.Count <= _maxMessagesPerTransaction))
        {
            reader.TryRead(out _);
            if (next.CancellationToken.IsCancellationRequested)
            {
                next.Completion.TrySetCanceled(next.CancellationToken);
                continue;
            }

            calls.Add(next);
            messages += next.Append.Messages.Count;
        }

        return calls;
    }

    /// <summary>Writes the merged calls in one transaction and answers every one of them, whatever happens.</summary>
    private async Task WriteAndAnswerAsync(List<PendingAppend> calls)
    {
        AppendCallResult[] results;
        var messages = calls.Sum(call => call.Append.Messages.Count);
        using var activity = StorageTracing.StartTransaction(calls, call => call.Caller, messages);
        try
        {
            var started = Stopwatch.GetTimestamp();
            results = await WriteTransactionAsync(calls.ConvertAll(call => call.Append)).ConfigureAwait(false);
            _metrics.TransactionCommitted(started, messages);
        }
#pragma warning disable CA1031 // The loop must survive any failure: it is handed to the callers instead.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            LogTransactionFailed(_logger, exception, calls.Count);
            foreach (var call in calls)
            {
                call.Completion.TrySetException(
                    new StoreUnavailableException("The append transaction did not commit: nothing of it was stored.", exception));
            }

            return;
        }

        for (var i = 0; i < calls.Count; i++)
        {
            if (results[i].Failure is { } failure)
            {
                calls[i].Completion.TrySetException(failure);
            }
            else
            {
                calls[i].Completion.TrySetResult(results[i].Outcomes!);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "An append transaction of {CallCount} calls did not commit; the calls fail.")]
    private static partial void LogTransactionFailed(ILogger logger, Exception exception, int callCount);

    private sealed class PendingAppend(ChatAppend append, CancellationToken cancellationToken)
    {
        public ChatAppend Append { get; } = append;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        /// <summary>The caller's trace, for the transaction's span; default when nobody listens.</summary>
        public ActivityContext Caller { get; } = StorageTracing.CallerContext();

        public TaskCompletionSource<IReadOnlyList<AppendOutcome>> Completion { get; } =
            new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>What one call of a merged append transaction came to: its outcomes, or the failure that undid it alone.</summary>
internal readonly record struct AppendCallResult(IReadOnlyList<AppendOutcome>? Outcomes, Exception? Failure);
