using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OrleansChat.Persistence;

/// <summary>The message stores' instruments, on the <c>OrleansChat.Storage</c> meter.</summary>
internal static class StorageMetrics
{
    public const string MeterName = "OrleansChat.Storage";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Histogram<double> TransactionDuration = Meter.CreateHistogram<double>(
        "chat.store.transaction.duration",
        "s",
        "Time to write and commit one append transaction (many rooms' appends merged).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });

    private static readonly Histogram<int> TransactionMessages = Meter.CreateHistogram<int>(
        "chat.store.transaction.messages",
        "{message}",
        "Messages in one committed append transaction.",
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000] });

    public static void TransactionCommitted(long startedTimestamp, int messages)
    {
        TransactionDuration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds);
        TransactionMessages.Record(messages);
    }
}
