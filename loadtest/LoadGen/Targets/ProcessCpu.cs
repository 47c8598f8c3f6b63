using System.Diagnostics;
using System.Globalization;

namespace OrleansChat.LoadGen.Targets;

/// <summary>
/// CPU seconds of named server processes over the measured window, from <c>/proc/&lt;pid&gt;/stat</c>. Each process is
/// counted with its descendants: PostgreSQL's work is done by the backends its postmaster forks, so its pid alone
/// would count almost nothing. A descendant that ended is counted through its parent's <c>cutime</c>/<c>cstime</c>
/// once reaped, so a backend that comes and goes within the window is not lost.
/// </summary>
public static class ProcessCpu
{
    // USER_HZ: the unit of /proc's times, 100 on every Linux architecture .NET runs on.
    private const double TicksPerSecond = 100;

    /// <summary>Reads each process tree when the window opens and when it closes (Stopwatch timestamps); returns the seconds used in between.</summary>
    public static async Task<IReadOnlyDictionary<string, double>> MeasureAsync(
        IReadOnlyList<NamedPid> processes, long from, long to, CancellationToken cancellationToken)
    {
        if (processes.Count == 0)
        {
            return new Dictionary<string, double>();
        }

        await DelayUntilAsync(from, cancellationToken);
        var before = ReadAll(processes);
        await DelayUntilAsync(to, cancellationToken);
        var after = ReadAll(processes);
        return processes.ToDictionary(p => p.Name, p => (after[p.Name] - before[p.Name]) / TicksPerSecond);
    }

    /// <summary>Clock ticks used so far by <paramref name="root"/> and every process below it, the reaped ones included.</summary>
    public static long TreeTicks(int root)
    {
        var stats = new Dictionary<int, (int Parent, long Ticks)>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && Read(pid) is { } stat)
            {
                stats[pid] = stat;
            }
        }

        var children = stats.ToLookup(s => s.Value.Parent, s => s.Key);
        var total = 0L;
        var pending = new Stack<int>([root]);
        while (pending.TryPop(out var pid))
        {
            if (stats.TryGetValue(pid, out var stat))
            {
                total += stat.Ticks;
                foreach (var child in children[pid])
                {
                    pending.Push(child);
                }
            }
        }

        return total;
    }

    private static Dictionary<string, long> ReadAll(IReadOnlyList<NamedPid> processes) =>
        processes.ToDictionary(p => p.Name, p => TreeTicks(p.Pid));

    /// <summary>The parent and utime+stime+cutime+cstime of one process; null when it is gone.</summary>
    private static (int Parent, long Ticks)? Read(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        // The command name is in parentheses and may hold spaces: the fields start after the last ')'.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        long Field(int number) => long.Parse(fields[number - 3], CultureInfo.InvariantCulture);
        return ((int)Field(4), Field(14) + Field(15) + Field(16) + Field(17));
    }

    private static async Task DelayUntilAsync(long timestamp, CancellationToken cancellationToken)
    {
        var wait = timestamp - Stopwatch.GetTimestamp();
        if (wait > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), cancellationToken);
        }
    }
}

/// <summary>A process to measure and the name the record gives it (<c>silo1=1234</c> on the command line).</summary>
public readonly record struct NamedPid(string Name, int Pid)
{
    public static IReadOnlyList<NamedPid> ParseList(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(item =>
        {
            var equals = item.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || !int.TryParse(item[(equals + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                throw new ArgumentException($"--cpu takes name=pid[,name=pid...], got '{item}'");
            }

            return new NamedPid(item[..equals], pid);
        }).ToList();
}
