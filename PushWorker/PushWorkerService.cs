using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansChat.PushWorker;

/// <summary>Drains the push outbox for as long as the host runs: a full batch is followed at once by the next claim.</summary>
internal sealed partial class PushWorkerService(
    PushDispatcher dispatcher,
    IOptions<PushOptions> options,
    TimeProvider time,
    ILogger<PushWorkerService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        LogStarted(settings.Sender);
        while (!stoppingToken.IsCancellationRequested)
        {
            int claimed;
            try
            {
                claimed = await dispatcher.DispatchDueAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                LogRoundFailed(ex);
                claimed = 0;
            }

            if (claimed < settings.BatchSize)
            {
                try
                {
                    await Task.Delay(settings.PollInterval, time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Push worker started with the {Sender} sender.")]
    private partial void LogStarted(PushSenderKind sender);

    [LoggerMessage(Level = LogLevel.Error, Message = "A push round failed; claimed rows are taken up again when their claims expire.")]
    private partial void LogRoundFailed(Exception exception);
}
