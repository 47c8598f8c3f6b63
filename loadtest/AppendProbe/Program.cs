using OrleansChat.AppendProbe;

// Usage: AppendProbe [out-file]. Runs the probe on a fresh SQLite file in a temporary folder, removed afterwards.
var directory = Directory.CreateTempSubdirectory("orleanschat-append-probe").FullName;
try
{
    var report = await AppendCostProbe.RunAsync(directory);
    Console.WriteLine(report);
    if (args.Length > 0)
    {
        await File.AppendAllTextAsync(args[0], report + "\n");
    }
}
finally
{
    Directory.Delete(directory, recursive: true);
}
