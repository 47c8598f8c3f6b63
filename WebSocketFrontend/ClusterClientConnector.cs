using Microsoft.Extensions.Hosting;

namespace OrleansChat.Gateway;

/// <summary>
/// Starts the Orleans client without holding up the host: the client keeps trying until the cluster answers
/// (<c>RetryUntilTheClusterAnswers</c>), while the gateway already serves <c>/health</c> and answers 503 for the rest.
/// </summary>
internal sealed class ClusterClientConnector(IClusterClient client) : BackgroundService
{
    // Orleans' client is its own hosted service; it is started and stopped here instead of by the host.
    private readonly IHostedService _client = (IHostedService)client;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await _client.StartAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopped before the cluster answered: nothing to connect any more.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await _client.StopAsync(cancellationToken).ConfigureAwait(false);
    }
}
