using System.Text;
using Microsoft.Extensions.Logging;

namespace OrleansChat.Grains.Assistant;

/// <summary>
/// The job's attempts: each asks the providers for the reply, streams its chunks, and stores the reply when it is
/// complete; a failed one waits its backoff and tries again, up to <c>Assistant:MaxAttempts</c>. They run as one task on
/// the grain's scheduler, between the grain's calls, and end as soon as their token is cancelled, writing nothing more.
/// </summary>
public sealed partial class AssistantJobGrain
{
    private async Task RunAttempts(CancellationToken stop)
    {
        try
        {
            while (!State.IsFinal)
            {
                if (await RunAttempt(stop) is not { } failure)
                {
                    continue;
                }

                if (State.Attempts >= _options.MaxAttempts)
                {
                    State.Status = AssistantJobStatus.DeadLettered;
                    State.Error = failure.Code;
                    Touch();
                    await job.WriteStateAsync(CancellationToken.None);
                    await EndedAsync();
                    return;
                }

                // The delay exists before the status says so, so that a clock moved on after reading the status moves it.
                var backoff = Task.Delay(Backoff(State.Attempts, failure.RetryAfter), time, stop);
                State.Status = AssistantJobStatus.Processing;
                State.Error = failure.Code;
                Touch();
                await job.WriteStateAsync(CancellationToken.None);
                await backoff;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped by Cancel or by deactivation, which decide what becomes of the job.
        }
        catch (Exception ex)
        {
            // Storage failed: the job stays as last stored, and its reminder tries again.
            LogAttemptsFailed(logger, ex, JobId);
        }
    }

    /// <summary>One attempt; null when the job reached a final status, or why the attempt failed.</summary>
    private async Task<AssistantProviderException?> RunAttempt(CancellationToken stop)
    {
        using var slot = await slots.TakeAsync(stop);
        var attempt = State.Attempts + 1;
        State.Attempts = attempt;
        State.Status = AssistantJobStatus.Processing;
        State.Partial = "";

        // The last attempt's error said why the job waited; a job that tries again is not failing (yet).
        State.Error = null;
        Touch();

        // Stored while the providers are asked (the state changes again only once it is): the first chunk does not wait
        // for it. A storage failure ends the attempts as it would have before the ask; the reminder resumes the job.
        var stored = job.WriteStateAsync(CancellationToken.None);
        try
        {
            await Generate(attempt, stored, stop);
        }
        catch (AssistantProviderException failed)
        {
            LogAttemptFailed(logger, JobId, attempt, failed.Code);
            return failed;
        }
        catch (Exception ex) when (!stop.IsCancellationRequested && !stored.IsFaulted)
        {
            LogAttemptFailed(logger, JobId, attempt, ex.GetType().Name);
            return new AssistantProviderException("unavailable", ex.Message, inner: ex);
        }

        SendResult reply;
        try
        {
            reply = await SendReply(State.Partial, stopped: false);
        }
        catch (ChatException refused) when (refused.Code is ChatErrorCode.Forbidden or ChatErrorCode.NotFound)
        {
            // The assistant left the chat (or the chat is gone): the reply has nowhere to go.
            State.Status = AssistantJobStatus.Failed;
            State.Error = "forbidden";
            Touch();
            await job.WriteStateAsync(CancellationToken.None);
            await EndedAsync();
            return null;
        }
        catch (ChatException unavailable)
        {
            return new AssistantProviderException("unavailable", unavailable.Message, inner: unavailable);
        }

        State.Status = AssistantJobStatus.Completed;
        State.ResultSeq = reply.Seq;
        State.Error = null;
        Touch();
        await job.WriteStateAsync(CancellationToken.None);
        await EndedAsync();
        return null;
    }

    /// <summary>Streams the attempt's chunks into <see cref="AssistantJobState.Partial"/>, cut at <c>Assistant:MaxOutputCharacters</c>.</summary>
    private async Task Generate(int attempt, Task stored, CancellationToken stop)
    {
        var started = time.GetTimestamp();
        var text = new StringBuilder();
        var request = new AssistantRequest(JobId, State.ChatId, State.Seq, State.RequesterId, State.Prompt, attempt);
        var pump = new ChunkPump(_publisher);
        try
        {
            await ReadDeltas(request, attempt, stored, started, text, pump, stop);
        }
        finally
        {
            // This attempt's chunks are on their way before the reply is stored or a next attempt publishes.
            await pump.DrainAsync();
        }

        if (text.Length == 0)
        {
            throw new AssistantProviderException("bad_response", "The provider answered nothing.");
        }
    }

    private async Task ReadDeltas(AssistantRequest request, int attempt, Task stored, long started, StringBuilder text, ChunkPump pump, CancellationToken stop)
    {
        var room = _options.MaxOutputCharacters;
        var index = 0;
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var deltas = replies.StreamAsync(request, abandon.Token).GetAsyncEnumerator(abandon.Token);
        try
        {
            var first = deltas.MoveNextAsync().AsTask();
            await WhenStored(stored, first, abandon);
            for (var more = await first; more; more = await deltas.MoveNextAsync())
            {
                var update = deltas.Current;
                if (update.Delta.Length == 0)
                {
                    continue;
                }

                var delta = Take(update.Delta, ref room);
                if (index == 0)
                {
                    metrics.FirstChunk(time.GetElapsedTime(started));
                    State.Status = AssistantJobStatus.Streaming;
                    State.Provider = update.Provider;
                    Touch();
                }

                text.Append(delta);
                State.Partial = text.ToString();
                metrics.CharactersOut(delta.Length);
                pump.Add(new AssistantChunk(State.ChatId, JobId, attempt, index++, delta));
                if (room == 0)
                {
                    break;
                }
            }
        }
        finally
        {
            await deltas.DisposeAsync();
        }
    }

    /// <summary>Waits for the attempt's state write; when it fails, gives up the ask under way and rethrows the failure.</summary>
    private static async Task WhenStored(Task stored, Task<bool> asking, CancellationTokenSource abandon)
    {
        try
        {
            await stored;
        }
        catch
        {
            await abandon.CancelAsync();
            try
            {
                await asking;
            }
            catch (Exception)
            {
                // The storage failure is the one that counts: the ask was abandoned for it.
            }

            throw;
        }
    }

    /// <summary>The delay after failed attempt <paramref name="attempt"/>: doubling from the initial backoff, with jitter, capped.</summary>
    private TimeSpan Backoff(int attempt, TimeSpan? retryAfter)
    {
        var doubled = _options.InitialBackoff.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30));

        // Jitter spreads the retries of jobs that failed together (a provider outage) over time.
        var jittered = TimeSpan.FromMilliseconds(Math.Min(doubled * (0.8 + (0.4 * Random.Shared.NextDouble())), _options.MaxBackoff.TotalMilliseconds));
        return retryAfter is { } hint && hint > jittered ? hint : jittered;
    }

    /// <summary>The part of <paramref name="delta"/> that fits in <paramref name="room"/> code points, which it uses up.</summary>
    private static string Take(string delta, ref int room)
    {
        var end = 0;
        while (end < delta.Length && room > 0)
        {
            end += char.IsSurrogatePair(delta, end) ? 2 : 1;
            room--;
        }

        return end == delta.Length ? delta : delta[..end];
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Attempt {Attempt} of assistant job {JobId} failed: {Code}")]
    private static partial void LogAttemptFailed(ILogger logger, string jobId, int attempt, string code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Assistant job {JobId} stopped on a storage failure; its reminder resumes it")]
    private static partial void LogAttemptsFailed(ILogger logger, Exception exception, string jobId);
}
