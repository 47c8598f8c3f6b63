using System.Globalization;

namespace OrleansChat.AttachBench;

/// <summary>
/// A process's resident memory (VmRSS of <c>/proc/{pid}/status</c>) sampled every few milliseconds while a load runs,
/// and the managed heap from the server's Prometheus <c>/metrics</c> when it is given.
/// </summary>
internal sealed class MemoryProbe(int pid, Uri? metrics)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    // The runtime instrumentation's gauges of the GC heap, newest name first.
    private static readonly string[] HeapGauges =
        ["dotnet_gc_last_collection_heap_size_bytes", "process_runtime_dotnet_gc_heap_size_bytes", "dotnet_gc_heap_size_bytes"];

    public long ResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"/proc/{pid}/status has no VmRSS");
    }

    /// <summary>The sum of the GC heap gauge's series (one per generation), or null without metrics.</summary>
    public async Task<long?> HeapBytesAsync(CancellationToken cancellationToken)
    {
        var text = metrics is null ? null : await Http.GetStringAsync(metrics, cancellationToken);
        foreach (var gauge in HeapGauges)
        {
            if (Sum(text, gauge) is { } sum)
            {
                return sum;
            }
        }

        return null;
    }

    /// <summary>How many bytes the server has allocated on the GC heap since it started, or null without metrics.</summary>
    public async Task<long?> AllocatedBytesAsync(CancellationToken cancellationToken) =>
        metrics is null ? null : Sum(await Http.GetStringAsync(metrics, cancellationToken), "dotnet_gc_heap_total_allocated_bytes_total");

    private static long? Sum(string? text, string name)
    {
        if (text is null)
        {
            return null;
        }

        double sum = 0;
        var found = false;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(name, StringComparison.Ordinal) && line.Length > name.Length && line[name.Length] is ' ' or '{')
            {
                sum += double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
                found = true;
            }
        }

        return found ? (long)sum : null;
    }

    /// <summary>Samples VmRSS (every 10 ms) and the heap (every 250 ms) until <paramref name="load"/> ends; answers the peaks.</summary>
    public async Task<(long PeakResident, long? PeakHeap)> PeakDuringAsync(Task load)
    {
        long peak = ResidentBytes();
        long? heap = await HeapBytesAsync(CancellationToken.None);
        var nextHeap = Environment.TickCount64 + 250;
        while (!load.IsCompleted)
        {
            peak = Math.Max(peak, ResidentBytes());
            if (metrics is not null && Environment.TickCount64 >= nextHeap)
            {
                heap = Max(heap, await HeapBytesAsync(CancellationToken.None));
                nextHeap = Environment.TickCount64 + 250;
            }

            await Task.WhenAny(load, Task.Delay(10));
        }

        await load;
        return (Math.Max(peak, ResidentBytes()), Max(heap, await HeapBytesAsync(CancellationToken.None)));
    }

    private static long? Max(long? a, long? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);
}
