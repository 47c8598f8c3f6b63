using Microsoft.Extensions.Hosting;

namespace OrleansChat.Gateway.Connections;

/// <summary>
/// Work the gateway repeats on the injected clock until it stops. The timer starts with the host, so the first tick
/// comes one period after start, on a fake clock too.
/// </summary>
internal abstract class PeriodicBackgroundService(TimeSpan period, TimeProvider time) : BackgroundService
{
    private PeriodicTimer? _timer;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _timer = new PeriodicTimer(period, time);
        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _timer?.Dispose();
        base.Dispose();
    }

    /// <summary>Calls to grains at once, but not too many at once.</summary>
    protected static ParallelOptions Parallelism(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = 64, CancellationToken = cancellationToken };

    /// <summary>One round of the work; must not throw but for cancellation.</summary>
    protected abstract Task TickAsync(CancellationToken stoppingToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _timer!.WaitForNextTickAsync(stoppingToken))
            {
                await TickAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
