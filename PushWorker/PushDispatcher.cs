using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansChat.Persistence;

namespace OrleansChat.PushWorker;

/// <summary>
/// One round of the worker: claims a batch of due outbox rows, looks up each recipient's current devices
/// through the cluster, sends, and completes, retries or dead-letters each row. A round stopped part-way
/// leaves the rest of its rows claimed; the claims expire and another round sends them.
/// </summary>
public sealed partial class PushDispatcher(
    IPushOutbox outbox,
    IGrainFactory grains,
    IPushSender sender,
    PushMetrics metrics,
    IOptions<PushOptions> options,
    TimeProvider time,
    ILogger<PushDispatcher> logger)
{
    private readonly PushOptions _options = options.Value;

    /// <summary>Claims and handles one batch; returns how many rows it claimed.</summary>
    public async Task<int> DispatchDueAsync(CancellationToken cancellationToken)
    {
        var claimedAt = time.GetUtcNow();
        var claimUntil = claimedAt + _options.ClaimLease;
        var batch = await outbox.ClaimAsync(_options.BatchSize, claimedAt, claimUntil, cancellationToken).ConfigureAwait(false);
        if (batch.Count == 0)
        {
            return 0;
        }

        foreach (var row in batch)
        {
            metrics.OutboxAge(claimedAt - row.CreatedAt);
        }

        // One recipient's rows go out in order, one device lookup for them all; recipients in parallel.
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrentSends, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(
                batch.GroupBy(row => row.RecipientId),
                parallel,
                (rows, token) => new ValueTask(DispatchRecipientAsync(rows.Key, [.. rows], claimUntil, token)))
            .ConfigureAwait(false);
        return batch.Count;
    }

    private async Task DispatchRecipientAsync(string recipientId, IReadOnlyList<PushOutboxEntry> rows, DateTimeOffset claimUntil, CancellationToken cancellationToken)
    {
        var user = grains.GetGrain<IUserGrain>(recipientId);
        IReadOnlyList<Device> devices;
        try
        {
            devices = await user.GetDevices().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogLookupFailed(ex, recipientId);
            foreach (var row in rows)
            {
                await FailAsync(row, null, PushResult.Transient($"device lookup failed: {ex.Message}"), cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        var gone = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            // Sending this close to the claim's end could overlap another worker that claims the row after it.
            if (time.GetUtcNow() >= claimUntil - _options.SendTimeout)
            {
                LogClaimRunningOut(row.Id);
                return;
            }

            var device = devices.FirstOrDefault(d => d.DeviceId == row.DeviceId);
            if (device is null || gone.Contains(row.DeviceId))
            {
                metrics.Dropped();
                await outbox.CompleteAsync(row.Id, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (await DeliverAsync(user, row, device, cancellationToken).ConfigureAwait(false) == PushOutcome.DeviceGone)
            {
                gone.Add(device.DeviceId);
            }
        }
    }

    private async Task<PushOutcome> DeliverAsync(IUserGrain user, PushOutboxEntry row, Device device, CancellationToken cancellationToken)
    {
        PushResult result;
        if (!sender.Supports(device.Platform))
        {
            result = PushResult.Rejected($"the configured sender {_options.Sender} does not reach {device.Platform} devices");
        }
        else
        {
            try
            {
                result = await sender.SendAsync(PushNotification.From(row), device, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                result = PushResult.Transient(ex.Message);
            }
        }

        switch (result.Outcome)
        {
            case PushOutcome.Delivered:
                metrics.Sent(device.Platform);
                await outbox.CompleteAsync(row.Id, cancellationToken).ConfigureAwait(false);
                break;
            case PushOutcome.DeviceGone:
                metrics.Failed(device.Platform, "unregistered");
                LogDeviceGone(row.RecipientId, device.DeviceId, result.Reason);
                await user.RemoveDevice(device.DeviceId).WaitAsync(cancellationToken).ConfigureAwait(false);
                await outbox.CompleteAsync(row.Id, cancellationToken).ConfigureAwait(false);
                break;
            default:
                await FailAsync(row, device, result, cancellationToken).ConfigureAwait(false);
                break;
        }

        return result.Outcome;
    }

    private async Task FailAsync(PushOutboxEntry row, Device? device, PushResult result, CancellationToken cancellationToken)
    {
        var platform = device?.Platform ?? default;
        var reason = result.Reason ?? result.Outcome.ToString();
        var attempt = row.Attempts + 1;
        metrics.Failed(platform, result.Outcome == PushOutcome.Transient ? "transient" : "rejected");

        if (result.Outcome == PushOutcome.Transient && attempt < _options.MaxAttempts)
        {
            var delay = Backoff.Delay(attempt, _options.InitialBackoff, _options.MaxBackoff, result.RetryAfter, Random.Shared.NextDouble());
            metrics.Retried(platform);
            LogRetry(row.Id, attempt, delay, reason);
            await outbox.RetryAsync(row.Id, reason, time.GetUtcNow() + delay, cancellationToken).ConfigureAwait(false);
            return;
        }

        metrics.DeadLettered();
        LogDeadLettered(row.Id, attempt, reason);
        await outbox.DeadLetterAsync(row.Id, reason, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Looking up the devices of {RecipientId} failed; their rows are retried.")]
    private partial void LogLookupFailed(Exception exception, string recipientId);

    [LoggerMessage(Level = LogLevel.Information, Message = "The claim on outbox row {RowId} runs out; it is left for the next claim.")]
    private partial void LogClaimRunningOut(long rowId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Device {DeviceId} of {RecipientId} is no longer registered with its provider ({Reason}); removed.")]
    private partial void LogDeviceGone(string recipientId, string deviceId, string? reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox row {RowId} failed attempt {Attempt}; retried in {Delay}: {Reason}")]
    private partial void LogRetry(long rowId, int attempt, TimeSpan delay, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox row {RowId} dead-lettered after attempt {Attempt}: {Reason}")]
    private partial void LogDeadLettered(long rowId, int attempt, string reason);
}
