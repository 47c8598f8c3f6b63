using System.Diagnostics;
using OrleansChat.TestInfrastructure;

namespace OrleansChat.DeploymentTests;

/// <summary>
/// The three apps as <c>dotnet publish</c> makes them (what each image copies from the Dockerfile's build stage),
/// published once per test run into a temporary folder that goes when the run ends.
/// </summary>
internal sealed class PublishedApps
{
    private static readonly Lazy<Task<PublishedApps>> Shared = new(PublishAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly string _root;

    private PublishedApps(string root, TimeSpan took)
    {
        _root = root;
        Took = took;
    }

    public TimeSpan Took { get; }

    public static Task<PublishedApps> GetAsync() => Shared.Value;

    /// <summary>The folder that stands for the image's WORKDIR, where the app was published.</summary>
    public string DirectoryOf(Shipped app) => Path.Combine(_root, app.Project);

    private static async Task<PublishedApps> PublishAsync()
    {
        var root = ScratchDirectory.Create("orleanschat-deployment-tests");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => ScratchDirectory.Delete(root);
        var clock = Stopwatch.StartNew();

        // Building this test project built the three apps in its configuration: publishing that build (as the
        // Dockerfile's publish would after building) rewrites no assembly that other test projects may be running.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        foreach (var app in Shipped.All)
        {
            await RunAsync("dotnet", "publish", Repository.PathOf($"{app.Project}/{app.Project}.csproj"),
                "--configuration", configuration, "--no-build", "--nologo", "--output", Path.Combine(root, app.Project));
        }

        return new PublishedApps(root, clock.Elapsed);
    }

    private static async Task RunAsync(string fileName, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repository.Root,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await output}{await error}");
        }
    }
}

/// <summary>Starts what we ship as its image would run it, from wherever it is.</summary>
internal interface IContainerRunner
{
    /// <summary>True when the container keeps its declared ports and the runner publishes the map (a container engine).</summary>
    bool PublishesPorts { get; }

    RunningApp Start(LocalLaunch launch);
}

/// <summary>
/// Runs the published output as the image's ENTRYPOINT, in the folder standing for its WORKDIR, with the launch's
/// environment and nothing of the test process's. The day a container engine is here, a runner that does
/// <c>docker run -e … -p loopback:container image</c> with the same <see cref="LocalLaunch"/> runs the same checks.
/// </summary>
internal sealed class PublishedOutputRunner(PublishedApps published, string home) : IContainerRunner
{
    public bool PublishesPorts => false;

    public RunningApp Start(LocalLaunch launch)
    {
        var image = launch.Container.Image;
        var environment = new Dictionary<string, string>(ProcessBasics(home), StringComparer.Ordinal);
        foreach (var (key, value) in launch.Environment)
        {
            environment[key] = value;
        }

        return RunningApp.Start(launch.PodName, image.Entrypoint, published.DirectoryOf(launch.Container.App), environment);
    }

    /// <summary>What any process needs to find <c>dotnet</c> and a home, as the base image gives it.</summary>
    public static Dictionary<string, string> ProcessBasics(string home)
    {
        var basics = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin",
            ["HOME"] = home,
        };
        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } root)
        {
            basics["DOTNET_ROOT"] = root;
        }

        return basics;
    }
}
