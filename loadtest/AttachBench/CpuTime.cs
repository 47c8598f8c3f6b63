using System.Globalization;

namespace OrleansChat.AttachBench;

/// <summary>
/// A process's CPU time (user and system) from <c>/proc/{pid}/stat</c>: unlike wall time, it does not grow when other
/// processes take the cores, so it compares the servers' work on a shared machine.
/// </summary>
internal static class CpuTime
{
    // USER_HZ, the unit of /proc/{pid}/stat's times, is 100 on every Linux this runs on.
    private const double TicksPerSecond = 100;

    public static TimeSpan Of(int? pid)
    {
        if (pid is not { } id)
        {
            return TimeSpan.Zero;
        }

        // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
        var stat = File.ReadAllText($"/proc/{id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }
}
