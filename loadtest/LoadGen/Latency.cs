using HdrHistogram;

namespace OrleansChat.LoadGen;

/// <summary>A thread-safe latency histogram in microseconds, from 1 µs to 60 s, 3 significant digits.</summary>
public sealed class Latency
{
    private readonly Lock _gate = new();
    private readonly LongHistogram _histogram = new(1, 60_000_000, 3);

    public long Count
    {
        get
        {
            lock (_gate)
            {
                return _histogram.TotalCount;
            }
        }
    }

    /// <summary>Records the time from a <see cref="System.Diagnostics.Stopwatch"/> timestamp until now.</summary>
    public void RecordSince(long startTimestamp) =>
        Record((long)System.Diagnostics.Stopwatch.GetElapsedTime(startTimestamp).TotalMicroseconds);

    public void Record(long microseconds)
    {
        lock (_gate)
        {
            _histogram.RecordValue(Math.Clamp(microseconds, 1, 60_000_000));
        }
    }

    public LatencySummary Summary()
    {
        lock (_gate)
        {
            if (_histogram.TotalCount == 0)
            {
                return new LatencySummary(0, 0, 0, 0, 0);
            }

            return new LatencySummary(
                _histogram.TotalCount,
                _histogram.GetValueAtPercentile(50) / 1000.0,
                _histogram.GetValueAtPercentile(99) / 1000.0,
                _histogram.GetValueAtPercentile(99.9) / 1000.0,
                _histogram.GetMaxValue() / 1000.0);
        }
    }
}

/// <summary>Percentiles in milliseconds.</summary>
public sealed record LatencySummary(long Count, double P50Ms, double P99Ms, double P999Ms, double MaxMs);
