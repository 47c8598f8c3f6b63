using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using OrleansChat.Persistence;

namespace OrleansChat.PushWorker.Tests;

/// <summary>
/// A push worker wired by <see cref="PushWorkerHostingExtensions.AddPushWorker"/> against the shared cluster and
/// outbox, on a clock of its own that tests move. Tests drive it round by round, or start its hosted loop.
/// </summary>
public sealed class TestWorker : IAsyncDisposable
{
    public static readonly TimeSpan ClaimLease = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(1);
    public const int MaxAttempts = 4;

    private readonly IHost _host;
    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _counts = [];
    private bool _started;

    private TestWorker(IHost host, FakeTimeProvider time)
    {
        _host = host;
        Time = time;
        var factory = host.Services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == PushMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            lock (_gate)
            {
                // An observable counter reports its running total each time it is read; a counter reports each increment.
                _counts[instrument.Name] = instrument is ObservableCounter<long> ? value : _counts.GetValueOrDefault(instrument.Name) + value;
            }
        });
        _listener.Start();
        _ = host.Services.GetRequiredService<PushMetrics>();
    }

    public FakeTimeProvider Time { get; }

    public PushDispatcher Dispatcher => _host.Services.GetRequiredService<PushDispatcher>();

    /// <summary>A worker with the given <c>Push:*</c> settings (as "Key=value") on top of short test timings.</summary>
    public static TestWorker Create(PushCluster cluster, FakeTimeProvider time, params string[] settings) =>
        Create(cluster, cluster.Outbox, time, settings);

    /// <summary>A worker that drains <paramref name="outbox"/> instead of the cluster's own.</summary>
    public static TestWorker Create(PushCluster cluster, IPushOutbox outbox, FakeTimeProvider time, params string[] settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var values = new Dictionary<string, string?>
        {
            ["Push:ClaimLease"] = ClaimLease.ToString(),
            ["Push:SendTimeout"] = "00:00:10",
            ["Push:InitialBackoff"] = "00:00:02",
            ["Push:MaxBackoff"] = MaxBackoff.ToString(),
            ["Push:MaxAttempts"] = MaxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Push:PollInterval"] = "00:00:01",
        };
        foreach (var setting in settings)
        {
            var at = setting.IndexOf('=', StringComparison.Ordinal);
            values[setting[..at]] = setting[(at + 1)..];
        }

        builder.Configuration.AddInMemoryCollection(values);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddSingleton<IGrainFactory>(cluster.Client);
        builder.Services.AddSingleton(outbox);
        builder.AddPushWorker();
        return new TestWorker(builder.Build(), time);
    }

    /// <summary>Starts the hosted claim loop (options are validated here).</summary>
    public async Task StartAsync()
    {
        await _host.StartAsync(TestContext.Current.CancellationToken);
        _started = true;
    }

    public Task<int> DispatchAsync(CancellationToken? cancellationToken = null) =>
        Dispatcher.DispatchDueAsync(cancellationToken ?? TestContext.Current.CancellationToken);

    /// <summary>
    /// Rounds until no row of <paramref name="chatId"/> waits any more (each sent, dropped or dead-lettered),
    /// moving the clock past every backoff and Retry-After between rounds.
    /// </summary>
    public async Task SettleAsync(IPushOutbox outbox, string chatId, int maxRounds = 20)
    {
        for (var round = 0; round < maxRounds; round++)
        {
            while (await DispatchAsync() > 0)
            {
            }

            if ((await Pending(outbox, chatId)).Count == 0)
            {
                return;
            }

            Time.Advance(TimeSpan.FromSeconds(ProviderStandIn.ThrottleSeconds) + MaxBackoff);
        }

        Assert.Fail($"Rows of {chatId} still wait after {maxRounds} rounds.");
    }

    public static async Task<IReadOnlyList<PushOutboxEntry>> Rows(IPushOutbox outbox, string chatId) =>
        [.. (await outbox.ListAsync(100_000, TestContext.Current.CancellationToken)).Where(r => r.ChatId == chatId)];

    public static async Task<IReadOnlyList<PushOutboxEntry>> Pending(IPushOutbox outbox, string chatId) =>
        [.. (await Rows(outbox, chatId)).Where(r => r.DeadLetteredAt is null)];

    /// <summary>The sum of what the worker recorded on <paramref name="instrument"/> so far (an observable counter's total).</summary>
    public long Count(string instrument)
    {
        _listener.RecordObservableInstruments();
        lock (_gate)
        {
            return _counts.GetValueOrDefault(instrument);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        if (_started)
        {
            await _host.StopAsync(CancellationToken.None);
        }

        _host.Dispose();
    }
}
