using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansChat.Hosting;

namespace OrleansChat.Grains.Assistant;

/// <summary>
/// One assistant reply (PROTOCOL.md 9, DESIGN.md 7a). <see cref="Start"/> stores the job and registers a reminder;
/// the attempts run as a task on the grain's scheduler (AssistantJobGrain.Attempts.cs), so the grain keeps answering
/// <see cref="GetJob"/> and <see cref="Cancel"/> while a reply streams. A silo that dies mid-reply leaves the job
/// unfinished in storage, and the reminder brings it back elsewhere for a new attempt; the reply's client message id
/// is derived from the job id, so the room stores it once however often it is sent.
/// </summary>
/// <remarks>
/// State writes never overlap: the attempts write while they run, and <see cref="Cancel"/> (the only other writer
/// once the job exists) stops them and waits for them before it writes.
/// </remarks>
public sealed partial class AssistantJobGrain(
    [PersistentState("job", ChatGrainStorage.Name)] IPersistentState<AssistantJobState> job,
    IAssistantReplies replies,
    IEnumerable<IChunkPublisher> publishers,
    AssistantJobSlots slots,
    IOptions<AssistantOptions> options,
    AssistantMetrics metrics,
    TimeProvider time,
    ILogger<AssistantJobGrain> logger) : Grain, IAssistantJobGrain, IRemindable, IDisposable
{
    /// <summary>Ticks while the job is unfinished: a tick that finds no attempt running starts one.</summary>
    internal const string ResumeReminder = "resume";

    /// <summary>Ticks once the job is final: removes it after <c>Assistant:JobRetention</c>.</summary>
    internal const string RetentionReminder = "retention";

    // Reminders tick at most once a minute (Orleans' minimum period); a silo crash costs a job at most that long.
    private static readonly TimeSpan ResumePeriod = TimeSpan.FromMinutes(1);

    private readonly AssistantOptions _options = options.Value;

    // The chat's stream, or nowhere when no publisher is registered: chunks are best effort (the stored reply is the truth).
    private readonly IChunkPublisher? _publisher = publishers.LastOrDefault();
    private CancellationTokenSource? _stop;
    private Task _attempts = Task.CompletedTask;

    private string JobId => this.GetPrimaryKeyString();

    private AssistantJobState State => job.State;

    public async Task<AssistantJob> Start(AssistantJobStart start)
    {
        if (State.Exists)
        {
            return State.View(JobId);
        }

        job.State = AssistantJobState.For(start, Now());
        if (!await GrainFactory.GetGrain<IAssistantQuotaGrain>(start.RequesterId).TryTake())
        {
            State.Status = AssistantJobStatus.Failed;
            State.Error = "rate_limited";
            await job.WriteStateAsync();
            await EndedAsync();
            return State.View(JobId);
        }

        // The reminder before the state: a job stored without one would never resume, a reminder without a job stops itself.
        await this.RegisterOrUpdateReminder(ResumeReminder, ResumePeriod, ResumePeriod);
        await job.WriteStateAsync();
        StartAttempts();
        return State.View(JobId);
    }

    public Task<AssistantJob?> GetJob() => Task.FromResult(State.Exists ? State.View(JobId) : null);

    public async Task<AssistantJob?> Cancel(string userId)
    {
        if (!State.Exists)
        {
            return null;
        }

        if (State.IsFinal)
        {
            return State.View(JobId);
        }

        await StopAttemptsAsync();
        if (State.IsFinal)
        {
            // The reply was stored while the attempts were being stopped: there is nothing left to stop.
            return State.View(JobId);
        }

        LogCancelled(logger, JobId, userId);
        State.Status = AssistantJobStatus.Cancelled;
        if (State.Partial.Length > 0)
        {
            try
            {
                State.ResultSeq = (await SendReply(State.Partial, stopped: true)).Seq;
            }
            catch (ChatException refused) when (refused.Code is ChatErrorCode.Forbidden or ChatErrorCode.NotFound)
            {
                State.Error = "forbidden";
            }
        }

        Touch();
        await job.WriteStateAsync();
        await EndedAsync();
        return State.View(JobId);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (!State.Exists)
        {
            await Unregister(reminderName);
            DeactivateOnIdle();
            return;
        }

        if (reminderName == ResumeReminder)
        {
            if (State.IsFinal)
            {
                await Unregister(ResumeReminder);
            }
            else if (_attempts.IsCompleted)
            {
                StartAttempts();
            }
        }
        else if (reminderName == RetentionReminder && State.IsFinal && time.GetUtcNow() - State.UpdatedAt >= _options.JobRetention)
        {
            await job.ClearStateAsync();
            job.State = new AssistantJobState();
            await Unregister(RetentionReminder);
            DeactivateOnIdle();
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // An unfinished job stays as it was stored; its reminder resumes it in a new activation.
        await StopAttemptsAsync();
        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    public void Dispose() => _stop?.Dispose();

    private void StartAttempts()
    {
        _stop?.Dispose();
        _stop = new CancellationTokenSource();
        _attempts = RunAttempts(_stop.Token);
    }

    /// <summary>Stops the running attempt (a provider call, a backoff, a wait for a slot) and waits until it has let go.</summary>
    private async Task StopAttemptsAsync()
    {
        if (_stop is { } stop)
        {
            await stop.CancelAsync();
        }

        await _attempts;
    }

    /// <summary>The job reached a final status: it is counted, stops resuming, and is removed after its retention.</summary>
    private async Task EndedAsync()
    {
        metrics.JobEnded(State.Status, State.Provider);
        await Unregister(ResumeReminder);
        await this.RegisterOrUpdateReminder(RetentionReminder, _options.JobRetention, _options.JobRetention);
    }

    private async Task Unregister(string reminderName)
    {
        if (await this.GetReminder(reminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    /// <summary>Stores the reply as the assistant's text in the job's chat; the same job always sends the same client message id.</summary>
    private Task<SendResult> SendReply(string content, bool stopped) =>
        GrainFactory.GetGrain<IChatRoomGrain>(State.ChatId).Send(
            new SendCommand(_options.UserId, AssistantJobIds.ReplyClientMsgId(JobId), content) { JobId = JobId, Stopped = stopped });

    private void Touch() => State.UpdatedAt = Now();

    private DateTimeOffset Now() => time.UtcNowToTheMillisecond();

    [LoggerMessage(Level = LogLevel.Information, Message = "Assistant job {JobId} stopped by {UserId}")]
    private static partial void LogCancelled(ILogger logger, string jobId, string userId);
}
