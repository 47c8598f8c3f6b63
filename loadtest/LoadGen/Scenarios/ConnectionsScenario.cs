using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using OrleansChat.LoadGen.Targets;

namespace OrleansChat.LoadGen.Scenarios;

/// <summary>
/// N idle authenticated connections, opened with a bounded number of handshakes in flight and held with heartbeats.
/// Reports the connect rate and the server's memory per connection. With <c>--processes K</c> this process starts K
/// worker processes (each holding N/K, on its own source addresses: a process here may hold at most 20,000 open files)
/// and measures the server once every worker has connected.
/// </summary>
public static class ConnectionsScenario
{
    /// <summary>A worker writes this line once all its connections are open, and <see cref="ResultLine"/> at the end.</summary>
    public const string ReadyLine = "READY ";

    public const string ResultLine = "RESULT ";

    public static async Task<ScenarioResult> RunAsync(LoadOptions options, ITarget target, CancellationToken cancellationToken)
    {
        var before = await target.ServerMemoryAsync(cancellationToken);
        var (result, after) = await ConnectAndHoldAsync(options, target, options.Worker is not null, cancellationToken);
        return result with { ServerMemoryBefore = before, ServerMemoryAfter = after };
    }

    /// <summary>Starts the workers, waits until all have connected, reads the server's memory, and sums their results.</summary>
    public static async Task<ScenarioResult> CoordinateAsync(LoadOptions options, ITarget target, CancellationToken cancellationToken)
    {
        var before = await target.ServerMemoryAsync(cancellationToken);
        var perWorker = options.Connections / options.Processes;
        var addressesPerWorker = Math.Max(1, options.SourceAddresses);
        var workers = Enumerable.Range(0, options.Processes).Select(i => StartWorker(options, i,
            i == options.Processes - 1 ? options.Connections - perWorker * (options.Processes - 1) : perWorker,
            options.SourceAddressOffset + i * addressesPerWorker)).ToList();
        var ready = workers.Select(w => w.Ready.Task).ToList();
        long? after = null;
        var all = Task.WhenAll(ready);
        if (await Task.WhenAny(all, Task.WhenAll(workers.Select(w => w.Exited))) == all)
        {
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            after = await target.ServerMemoryAsync(cancellationToken);
        }

        var results = await Task.WhenAll(workers.Select(w => w.Outcome.Task));
        await Task.WhenAll(workers.Select(w => w.Exited));
        var total = results.Sum(r => r.Connections);
        var connectSeconds = results.Max(r => r.Connections / Math.Max(0.001, r.Throughput));
        var failed = workers.Any(w => w.Process.ExitCode != 0 && w.Process.ExitCode != 1);
        return results[0] with
        {
            Shape = $"{options.Connections} connections, {options.Processes} processes, {options.Processes * addressesPerWorker} source addresses",
            Connections = total,
            Throughput = total / connectSeconds,
            Latency = results.MaxBy(r => r.Latency.P99Ms)!.Latency,
            Errors = results.Sum(r => r.Errors) + (failed ? 1 : 0),
            Gaps = results.Sum(r => r.Gaps),
            Duplicates = results.Sum(r => r.Duplicates),
            Reorderings = results.Sum(r => r.Reorderings),
            Violations = [.. results.SelectMany(r => r.Violations)],
            ServerMemoryBefore = before,
            ServerMemoryAfter = after,
        };
    }

    private static async Task<(ScenarioResult Result, long? MemoryAfter)> ConnectAndHoldAsync(
        LoadOptions options, ITarget target, bool isWorker, CancellationToken cancellationToken)
    {
        var latency = new Latency();
        var clients = new IChatClient?[options.Connections];
        long errors = 0;
        var start = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, options.Connections),
            new ParallelOptions { MaxDegreeOfParallelism = options.ConnectConcurrency, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var began = Stopwatch.GetTimestamp();
                try
                {
                    clients[i] = await target.ConnectAsync($"{options.RunId}-w{options.Worker ?? 0}-c{i}", [], static _ => { }, ct);
                    latency.RecordSince(began);
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    if (Interlocked.Increment(ref errors) <= 5)
                    {
                        Console.Error.WriteLine($"connect {i} failed: {e.GetBaseException().Message}");
                    }
                }
            });
        var connectSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var connected = clients.Count(c => c is not null);
        Console.Error.WriteLine($"{connected} connected in {connectSeconds:0.00} s ({connected / connectSeconds:0} /s), {errors} failed");

        long? memoryAfter = null;
        if (isWorker)
        {
            Console.WriteLine(ReadyLine + connected.ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            memoryAfter = await target.ServerMemoryAsync(cancellationToken);
        }

        // Hold: each connection pings once per heartbeat period, at its own offset in the period.
        var holdStart = Stopwatch.GetTimestamp();
        var holdUntil = holdStart + (long)(options.HoldSeconds * Stopwatch.Frequency);
        var period = Math.Max(0.1, options.HeartbeatSeconds);
        var open = Enumerable.Range(0, clients.Length).Where(i => clients[i] is not null).ToArray();
        var heartbeats = Enumerable.Range(0, (int)Math.Ceiling(options.HoldSeconds / period))
            .SelectMany(round => open.Select(i => (Client: i, Due: holdStart + (long)((round + (double)i / clients.Length) * period * Stopwatch.Frequency))))
            .Where(h => h.Due < holdUntil)
            .OrderBy(h => h.Due)
            .ToArray();
        using var inFlight = new SemaphoreSlim(Math.Max(1, options.ConnectConcurrency));
        var pings = new List<Task>(heartbeats.Length);
        foreach (var (i, due) in heartbeats)
        {
            var wait = due - Stopwatch.GetTimestamp();
            if (wait > Stopwatch.Frequency / 100)
            {
                await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), cancellationToken);
            }

            await inFlight.WaitAsync(cancellationToken);
            pings.Add(PingAsync(i));
        }

        await Task.WhenAll(pings);

        async Task PingAsync(int i)
        {
            try
            {
                await clients[i]!.PingAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                if (Interlocked.Increment(ref errors) <= 5)
                {
                    Console.Error.WriteLine($"ping {i} failed: {e.Message}");
                }
            }
            finally
            {
                inFlight.Release();
            }
        }

        var remaining = holdUntil - Stopwatch.GetTimestamp();
        if (remaining > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds((double)remaining / Stopwatch.Frequency), cancellationToken);
        }

        var lost = clients.Count(c => c is not null && !c.IsOpen);
        await Parallel.ForEachAsync(clients.Where(c => c is not null), new ParallelOptions { MaxDegreeOfParallelism = 200 }, async (c, _) => await c!.DisposeAsync());

        var result = new ScenarioResult
        {
            Scenario = "connections",
            Target = target.Name,
            Shape = $"{options.Connections} connections, {Math.Max(1, options.SourceAddresses)} source addresses, held {options.HoldSeconds:0.#} s",
            ThroughputUnit = "connections/s",
            Throughput = connected / connectSeconds,
            Latency = latency.Summary(),
            Connections = connected,
            Errors = errors + lost,
        };
        return (result, memoryAfter);
    }

    private static Worker StartWorker(LoadOptions options, int index, int connections, int firstAddress)
    {
        var self = Environment.ProcessPath!;
        var info = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            info.ArgumentList.Add(typeof(ConnectionsScenario).Assembly.Location);
        }

        foreach (var (name, value) in new (string, string?)[]
        {
            ("scenario", "connections"), ("target", options.Target), ("url", options.Url.ToString()),
            ("signing-key", options.SigningKey), ("connections", connections.ToString(CultureInfo.InvariantCulture)),
            ("connect-concurrency", Math.Max(1, options.ConnectConcurrency / options.Processes).ToString(CultureInfo.InvariantCulture)),
            ("hold", options.HoldSeconds.ToString(CultureInfo.InvariantCulture)),
            ("heartbeat", options.HeartbeatSeconds.ToString(CultureInfo.InvariantCulture)),
            ("source-addresses", options.SourceAddresses.ToString(CultureInfo.InvariantCulture)),
            ("source-address-offset", firstAddress.ToString(CultureInfo.InvariantCulture)),
            ("run-id", options.RunId), ("worker", index.ToString(CultureInfo.InvariantCulture)),
        })
        {
            if (value is not null)
            {
                info.ArgumentList.Add("--" + name);
                info.ArgumentList.Add(value);
            }
        }

        var process = Process.Start(info)!;
        var worker = new Worker(process);
        worker.Exited = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                if (line.StartsWith(ReadyLine, StringComparison.Ordinal))
                {
                    worker.Ready.TrySetResult();
                }
                else if (line.StartsWith(ResultLine, StringComparison.Ordinal))
                {
                    worker.Outcome.TrySetResult(JsonSerializer.Deserialize<ScenarioResult>(line[ResultLine.Length..], Json.Options)!);
                }
            }

            await process.WaitForExitAsync();
            worker.Ready.TrySetResult();
            worker.Outcome.TrySetException(new TargetException($"worker {index} exited with {process.ExitCode} without a result"));
        });
        return worker;
    }

    private sealed class Worker(Process process)
    {
        public Process Process { get; } = process;

        public TaskCompletionSource Ready { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<ScenarioResult> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Exited { get; set; } = Task.CompletedTask;
    }
}
