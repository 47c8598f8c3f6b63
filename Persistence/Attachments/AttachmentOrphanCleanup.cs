using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansChat.Persistence.Attachments;

/// <summary>
/// Removes uploads that no message carries once they are older than <c>Attachments:OrphanTtl</c>: at start, then every
/// <c>Attachments:CleanupInterval</c> on the <see cref="TimeProvider"/>'s clock. Every silo runs it; removing an orphan
/// twice removes nothing the second time.
/// </summary>
public sealed partial class AttachmentOrphanCleanup(
    IAttachmentStore store,
    IOptions<AttachmentOptions> options,
    TimeProvider time,
    ILogger<AttachmentOrphanCleanup> logger) : BackgroundService
{
    /// <summary>Raised after each sweep with how many orphans it removed.</summary>
    public event Action<int>? Swept;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        using var timer = new PeriodicTimer(settings.CleanupInterval, time);
        do
        {
            try
            {
                var removed = await store.DeleteOrphansAsync(time.GetUtcNow() - settings.OrphanTtl, stoppingToken).ConfigureAwait(false);
                if (removed > 0)
                {
                    LogRemoved(logger, removed);
                }

                Swept?.Invoke(removed);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The next tick tries again: an orphan kept an hour longer harms nobody.
                LogFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Count} attachments that no message carries")]
    private static partial void LogRemoved(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Removing attachments that no message carries failed; the next sweep tries again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
