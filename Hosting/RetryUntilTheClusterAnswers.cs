using Microsoft.Extensions.Logging;

namespace OrleansChat.Hosting;

/// <summary>
/// A client may start before the silos (or before their migrations made the membership table): it keeps trying,
/// every few seconds, until the cluster answers or the process stops.
/// </summary>
internal sealed partial class RetryUntilTheClusterAnswers(ILogger<RetryUntilTheClusterAnswers> logger, TimeProvider time) : IClientConnectionRetryFilter
{
    private static readonly TimeSpan Pause = TimeSpan.FromSeconds(2);

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        LogNotReachable(exception.Message);
        try
        {
            await Task.Delay(Pause, time, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The cluster is not reachable yet ({Reason}); trying again")]
    private partial void LogNotReachable(string reason);
}
