using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OrleansChat.Persistence.Writing;

/// <summary>The message stores' instruments, on the <see cref="MeterName"/> meter; one per service provider.</summary>
public sealed class StorageMetrics
{
    /// <summary>The meter's name, for exporters to subscribe to.</summary>
    public const string MeterName = "OrleansChat.Storage";

    private readonly Histogram<double> _transactionDuration;
    private readonly Histogram<int> _transactionMessages;

    public StorageMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _transactionDuration = meter.CreateHistogram<double>(
            "chat.store.transaction.duration",
            "s",
            "Time to write and commit one append transaction (many rooms' appends merged).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });
        _transactionMessages = meter.CreateHistogram<int>(
            "chat.store.transaction.messages",
            "{message}",
            "Messages in one committed append transaction.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000] });
    }

    internal void TransactionCommitted(long startedTimestamp, int messages)
    {
        _transactionDuration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds);
        _transactionMessages.Record(messages);
    }
}
