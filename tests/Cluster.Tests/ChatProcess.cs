using System.Diagnostics;
using System.Net;
using System.Text;
using OrleansChat.TestInfrastructure;

namespace OrleansChat.ClusterTests;

/// <summary>A silo or gateway running as its own process, from the build the tests run against.</summary>
internal sealed class ChatProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ChatProcess(string name, Process process, Uri baseAddress)
    {
        Name = name;
        _process = process;
        BaseAddress = baseAddress;
    }

    public string Name { get; }

    public Uri BaseAddress { get; }

    /// <summary>The process id of <c>dotnet</c> running the app.</summary>
    public int ProcessId => _process.Id;

    /// <summary>What the process wrote, for a failing test's message.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts <c>dotnet</c> on a project's built assembly with configuration ("Key=value") from <paramref name="settings"/>
    /// and waits until it is ready. Free ports are only free when asked: when another process took one meanwhile,
    /// the start is tried again with new ones (<paramref name="settings"/> is asked again too). A <paramref name="launcher"/>
    /// (a command and its arguments, such as <c>faketime -f -1h</c>) runs <c>dotnet</c> under it. Ready means
    /// <paramref name="readyPath"/> answers 200: <c>/health/ready</c>, or <c>/health</c> for a process that only has to live.
    /// </summary>
    public static async Task<ChatProcess> StartReadyAsync(
        string name, string project, string assembly, Func<IEnumerable<string>> settings, HttpClient http, TimeSpan timeout,
        Launcher? launcher = null, string readyPath = "/health/ready")
    {
        for (var attempt = 1; ; attempt++)
        {
            var process = Start(name, project, assembly, settings(), launcher ?? Launcher.Direct);
            if (await process.WaitReadyAsync(http, timeout, readyPath))
            {
                return process;
            }

            await process.DisposeAsync();
            Assert.True(
                attempt < 3 && process.Output.Contains("address already in use", StringComparison.OrdinalIgnoreCase),
                $"{name} exited before it was ready:\n{process.Output}");
        }
    }

    private static ChatProcess Start(string name, string project, string assembly, IEnumerable<string> settings, Launcher launcher)
    {
        var port = LoopbackPorts.Free();
        string[] command = [.. launcher.Command, "dotnet"];
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in launcher.Environment)
        {
            start.Environment[key] = value;
        }

        start.ArgumentList.Add(BuiltAssembly(project, assembly));
        start.ArgumentList.Add($"--urls=http://127.0.0.1:{port}");
        foreach (var setting in settings)
        {
            start.ArgumentList.Add("--" + setting);
        }

        var process = new Process { StartInfo = start };
        var chat = new ChatProcess(name, process, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, e) => chat.Append(e.Data);
        process.ErrorDataReceived += (_, e) => chat.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return chat;
    }

    /// <summary>Waits until <paramref name="path"/> answers 200; false when the process exited first.</summary>
    private async Task<bool> WaitReadyAsync(HttpClient http, TimeSpan timeout, string path)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited)
            {
                await _process.WaitForExitAsync();
                return false;
            }

            try
            {
                using var response = await http.GetAsync(new Uri(BaseAddress, path));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
            }

            Assert.True(DateTime.UtcNow < deadline, $"{Name} was not ready within {timeout}:\n{Output}");
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    /// <summary>SIGKILL: no shutdown, no goodbye to the cluster.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    /// <summary>The project's assembly as built in the same configuration as these tests.</summary>
    private static string BuiltAssembly(string project, string assembly)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var path = Path.Combine(Repository.Root, project, "bin", configuration, "net10.0", assembly + ".dll");
        Assert.True(File.Exists(path), $"{path} is not built");
        return path;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}

/// <summary>What a test process runs under: nothing, or a command such as <c>faketime</c> with its environment.</summary>
internal sealed record Launcher(IReadOnlyList<string> Command, IReadOnlyDictionary<string, string> Environment)
{
    public static readonly Launcher Direct = new([], new Dictionary<string, string>());
}
