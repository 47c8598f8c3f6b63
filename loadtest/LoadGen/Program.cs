using System.Globalization;
using System.Text.Json;
using OrleansChat.LoadGen;

if (args.Length > 0 && args[0] == "report")
{
    return Report.Print(args.Skip(1));
}

if (args.Length > 0 && args[0] == "tsung-users")
{
    return await TsungUsers.RunAsync(args[1..], CancellationToken.None);
}

if (args.Length > 0 && args[0] == "stand-in")
{
    return await OrleansChat.LoadGen.StandIn.StandInProvider.RunAsync(args[1..]);
}

LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine("usage: LoadGen --scenario connections|fanout|direct|chatlist|assistant --target orleanschat|signalr|websocket --url http://127.0.0.1:5000 [--cpu name=pid,...] [--target-name name] [options]");
    Console.Error.WriteLine("       LoadGen report results/*.json");
    Console.Error.WriteLine("       LoadGen stand-in --urls http://127.0.0.1:5191 [--chunks 50] [--chunks-per-second 50]");
    return 64;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

var result = await LoadRunner.RunAsync(options, cancel.Token);
var json = JsonSerializer.Serialize(result, Json.Options);
if (options.Worker is not null)
{
    Console.WriteLine(OrleansChat.LoadGen.Scenarios.ConnectionsScenario.ResultLine + json);
}
else
{
    Console.Write(Report.Table([result]));
    if (result.ServerMemoryPerConnection is { } perConnection)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"server memory: {result.ServerMemoryBefore / 1048576.0:0.0} MiB before, {result.ServerMemoryAfter / 1048576.0:0.0} MiB after, {perConnection / 1024:0.00} KiB per connection"));
    }

    if (result.Scenario is not ("connections" or "chatlist" or "assistant"))
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"offered {result.Offered:0} msg/s, received {result.Received} frames, ack p50 {result.AckLatency.P50Ms:0.00} ms p99 {result.AckLatency.P99Ms:0.00} ms max {result.AckLatency.MaxMs:0.0} ms"));
    }

    foreach (var (process, seconds) in result.ProcessCpuSeconds)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"cpu {process}: {seconds:0.00} s over the {result.MeasuredSeconds:0.#} s measured, {result.CpuMicrosecondsPerMessage(process):0.0} us per message"));
    }
}

if (options.Json is not null)
{
    await File.WriteAllTextAsync(options.Json, json);
}

if (!result.CorrectnessPassed)
{
    Console.Error.WriteLine($"CORRECTNESS FAILURE in {result.Scenario} against {result.Target}: gaps {result.Gaps}, duplicates {result.Duplicates}, reorderings {result.Reorderings}");
    foreach (var violation in result.Violations)
    {
        Console.Error.WriteLine("  " + violation);
    }

    return 1;
}

if (result.Errors > 0)
{
    Console.Error.WriteLine($"{result.Errors} errors (failed connects, sends or pings) in {result.Scenario} against {result.Target}");
    return 2;
}

return 0;
