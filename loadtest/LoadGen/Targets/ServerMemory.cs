using System.Globalization;

namespace OrleansChat.LoadGen.Targets;

/// <summary>
/// The server's resident memory: from <c>/proc/{pid}/status</c> (VmRSS) when the server's pid is known, else from the
/// process working-set gauge of its Prometheus <c>/metrics</c> endpoint.
/// </summary>
public sealed class ServerMemory(int? pid, Uri? metricsUri)
{
    private static readonly string[] WorkingSetGauges =
        ["dotnet_process_memory_working_set_bytes", "process_memory_usage_bytes", "process_working_set_bytes"];

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public async Task<long?> ReadAsync(CancellationToken cancellationToken)
    {
        if (pid is { } id && File.Exists($"/proc/{id}/status"))
        {
            foreach (var line in await File.ReadAllLinesAsync($"/proc/{id}/status", cancellationToken))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
                }
            }
        }

        if (metricsUri is null)
        {
            return null;
        }

        try
        {
            var text = await Http.GetStringAsync(metricsUri, cancellationToken);
            foreach (var line in text.Split('\n'))
            {
                foreach (var gauge in WorkingSetGauges)
                {
                    if (line.StartsWith(gauge, StringComparison.Ordinal) && line.Length > gauge.Length && line[gauge.Length] is ' ' or '{')
                    {
                        var value = line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0];
                        return (long)double.Parse(value, CultureInfo.InvariantCulture);
                    }
                }
            }
        }
        catch (HttpRequestException)
        {
        }

        return null;
    }
}
