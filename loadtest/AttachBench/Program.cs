using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using OrleansChat.AttachBench;

// Attachment throughput and memory (issue 13): a file of --size-mib MiB uploaded and downloaded through OrleansChat
// (its .NET client) and through the bare Kestrel file peer in the same run, --rounds times, alternating which goes
// first; then --concurrent simultaneous uploads to each, with the process's VmRSS (and OrleansChat's GC heap, from
// --metrics) sampled before and during them. Each target first serves --warmup small files and --warmup-rounds whole
// ones, so that its code runs at tier 1.
var options = Options.Parse(args);
var file = Path.Combine(Path.GetTempPath(), $"attachbench-{Environment.ProcessId}.pdf");
var small = Path.Combine(Path.GetTempPath(), $"attachbench-{Environment.ProcessId}-small.pdf");
WritePdf(file, options.SizeMiB * 1024L * 1024);
WritePdf(small, 64 * 1024);
try
{
    var chat = new OrleansChatTarget(options.Url, options.SigningKey);
    var peer = new FilePeerTarget(options.Peer);
    IFileTarget[] targets = [chat, peer];
    var cancel = CancellationToken.None;
    foreach (var target in targets)
    {
        // Warm-up: a code path runs at tier 0 until it was called 30 times, then again instrumented before tier 1, and
        // each request runs hundreds of methods once; small files take every target's request paths to tier 1.
        for (var i = 0; i < options.Warmup; i++)
        {
            await target.DownloadAsync(await target.UploadAsync(small, cancel), cancel);
        }

        // Then whole files: the loops that run per piece reach tier 1 (and leave on-stack replacement) only after
        // several, and until then a fresh server spends more CPU in the JIT than on the files.
        for (var i = 0; i < options.WarmupRounds; i++)
        {
            await target.DownloadAsync(await target.UploadAsync(file, cancel), cancel);
        }
    }

    var bytes = new FileInfo(file).Length;
    var samples = targets.ToDictionary(t => t.Name, _ => (Up: new List<double>(), Down: new List<double>()));
    var cpu = targets.ToDictionary(t => t.Name, _ => (Up: 0.0, Down: 0.0));
    var pids = new Dictionary<string, int?> { [chat.Name] = options.ServerPid, [peer.Name] = options.PeerPid };
    for (var round = 0; round < options.Rounds; round++)
    {
        foreach (var target in round % 2 == 0 ? targets : targets.Reverse())
        {
            var pid = pids[target.Name];
            var (clock, cpuBefore) = (Stopwatch.StartNew(), CpuTime.Of(pid));
            var id = await target.UploadAsync(file, cancel);
            samples[target.Name].Up.Add(MiBPerSecond(bytes, clock.Elapsed));
            var cpuBetween = CpuTime.Of(pid);
            clock.Restart();
            var read = await target.DownloadAsync(id, cancel);
            samples[target.Name].Down.Add(MiBPerSecond(bytes, clock.Elapsed));
            var cpuAfter = CpuTime.Of(pid);
            cpu[target.Name] = (cpu[target.Name].Up + (cpuBetween - cpuBefore).TotalMilliseconds, cpu[target.Name].Down + (cpuAfter - cpuBetween).TotalMilliseconds);
            if (read != bytes)
            {
                throw new InvalidOperationException($"{target.Name} answered {read} bytes of {bytes}");
            }
        }
    }

    Console.WriteLine($"# {options.SizeMiB} MiB, {options.Rounds} rounds, MiB/s: median (min-max); the server's CPU per file (mean)");
    Console.WriteLine("| target | upload MiB/s | download MiB/s | upload CPU | download CPU |");
    Console.WriteLine("| --- | --- | --- | --- | --- |");
    foreach (var (name, (up, down)) in samples)
    {
        Console.WriteLine(FormattableString.Invariant(
            $"| {name} | {Spread(up)} | {Spread(down)} | {cpu[name].Up / options.Rounds:0} ms | {cpu[name].Down / options.Rounds:0} ms |"));
    }

    var (chatUp, chatDown) = samples[chat.Name];
    var (peerUp, peerDown) = samples[peer.Name];
    Console.WriteLine(FormattableString.Invariant(
        $"ratio orleanschat/peer (medians): upload x{Median(chatUp) / Median(peerUp):0.00}, download x{Median(chatDown) / Median(peerDown):0.00}"));

    Console.WriteLine();
    Console.WriteLine($"# {options.Concurrent} concurrent {options.SizeMiB} MiB uploads: memory before and at the peak");
    Console.WriteLine("| target | VmRSS before | VmRSS peak | growth | GC heap before | GC heap peak | allocated per upload | time |");
    Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
    foreach (var (target, probe) in new (IFileTarget, MemoryProbe?)[]
    {
        (chat, new MemoryProbe(options.ServerPid, options.Metrics)),
        (peer, options.PeerPid is { } pid ? new MemoryProbe(pid, null) : null),
    })
    {
        if (probe is null)
        {
            continue;
        }

        var before = probe.ResidentBytes();
        var heapBefore = await probe.HeapBytesAsync(cancel);
        var allocatedBefore = await probe.AllocatedBytesAsync(cancel);
        var clock = Stopwatch.StartNew();
        var load = Task.WhenAll(Enumerable.Range(0, options.Concurrent).Select(_ => Task.Run(() => target.UploadAsync(file, cancel))));
        var (peak, heapPeak) = await probe.PeakDuringAsync(load);
        var elapsed = clock.Elapsed;
        var allocated = await probe.AllocatedBytesAsync(cancel) - allocatedBefore;
        Console.WriteLine(FormattableString.Invariant(
            $"| {target.Name} | {MiB(before)} | {MiB(peak)} | {MiB(peak - before)} | {MiB(heapBefore)} | {MiB(heapPeak)} | {KiB(allocated / options.Concurrent)} | {elapsed.TotalSeconds:0.0} s |"));
    }
}
finally
{
    File.Delete(file);
    File.Delete(small);
}

static double MiBPerSecond(long bytes, TimeSpan elapsed) => bytes / 1024.0 / 1024 / elapsed.TotalSeconds;

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}

static string Spread(List<double> values) => FormattableString.Invariant($"{Median(values):0} ({values.Min():0}-{values.Max():0})");

static string KiB(long? bytes) => bytes is { } b ? FormattableString.Invariant($"{b / 1024.0:0} KiB") : "-";

static string MiB(long? bytes) => bytes is { } b ? FormattableString.Invariant($"{b / 1024.0 / 1024:0.0} MiB") : "-";

// A PDF as the server's sniffer knows one (its header and its %%EOF), random bytes between, so nothing compresses.
static void WritePdf(string path, long size)
{
    var head = Encoding.ASCII.GetBytes("%PDF-1.4\n%\u00e2\u00e3\n");
    var tail = Encoding.ASCII.GetBytes("\n%%EOF\n");
    using var stream = File.Create(path);
    stream.Write(head);
    var buffer = new byte[1024 * 1024];
    for (var left = size - head.Length - tail.Length; left > 0; left -= buffer.Length)
    {
        RandomNumberGenerator.Fill(buffer);
        stream.Write(buffer, 0, (int)Math.Min(buffer.Length, left));
    }

    stream.Write(tail);
}

/// <summary>The command line: <c>--name value</c> pairs.</summary>
internal sealed record Options(
    Uri Url, Uri Peer, string SigningKey, int ServerPid, int? PeerPid, Uri? Metrics, int SizeMiB, int Rounds, int Concurrent, int Warmup, int WarmupRounds)
{
    public static Options Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }

        string Required(string name) => values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"--{name} is required");
        int Number(string name, int fallback) => values.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
        return new Options(
            new Uri(Required("url")),
            new Uri(Required("peer")),
            values.TryGetValue("signing-key", out var key) ? key : Environment.GetEnvironmentVariable("LOADGEN_SIGNING_KEY") ?? Required("signing-key"),
            int.Parse(Required("server-pid"), CultureInfo.InvariantCulture),
            values.TryGetValue("peer-pid", out var peerPid) ? int.Parse(peerPid, CultureInfo.InvariantCulture) : null,
            values.TryGetValue("metrics", out var metrics) ? new Uri(metrics) : null,
            Number("size-mib", 20),
            Number("rounds", 5),
            Number("concurrent", 10),
            Number("warmup", 200),
            Number("warmup-rounds", 5));
    }
}
