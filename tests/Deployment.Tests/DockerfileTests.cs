using System.Text.RegularExpressions;
using System.Xml.Linq;
using static OrleansChat.DeploymentTests.Manifests;

namespace OrleansChat.DeploymentTests;

/// <summary>
/// The root Dockerfile builds the three images (one stage per image, selected with <c>--target</c>), each with the
/// runtime its workload is deployed with. No container engine runs here: these read the file as a builder would.
/// </summary>
public sealed partial class DockerfileTests
{
    public static TheoryData<string> Workloads => [.. Shipped.All.Select(a => a.Workload)];

    [Theory]
    [InlineData("silo", "8080 11111 30000", "8080", "OrleansChat.Silo")]
    [InlineData("gateway", "8080", "8080", "OrleansChat.WebSocketFrontend")]
    [InlineData("pushworker", "", null, "OrleansChat.PushWorker")]
    public void Each_image_declares_its_ports_its_user_and_its_entrypoint(string workload, string exposed, string? httpPorts, string assembly)
    {
        var image = App(workload).LoadImage();
        KeyValuePair<string, string>[] environment = httpPorts is null ? [] : [new("ASPNETCORE_HTTP_PORTS", httpPorts)];

        Assert.Equal("mcr.microsoft.com/dotnet/aspnet:10.0", image.BaseImage);
        Assert.Equal("/app", image.WorkDirectory);
        Assert.Equal("$APP_UID", image.User);
        Assert.Equal(exposed, string.Join(' ', image.Exposed));
        Assert.Equal(environment, image.Environment);
        Assert.Equal(["dotnet", $"{assembly}.dll"], image.Entrypoint);
    }

    [Theory]
    [InlineData("Silo", "OrleansChat.Silo")]
    [InlineData("WebSocketFrontend", "OrleansChat.WebSocketFrontend")]
    [InlineData("PushWorker", "OrleansChat.PushWorker")]
    public void Dockerfiles_start_the_assembly_the_project_builds(string project, string assembly)
    {
        var app = Shipped.All.Single(a => a.Project == project);
        var image = app.LoadImage();
        var copy = Assert.Single(image.Copies);

        Assert.Contains($"<AssemblyName>{assembly}</AssemblyName>", File.ReadAllText(Repository.PathOf($"{project}/{project}.csproj")), StringComparison.Ordinal);
        Assert.Equal(["dotnet", $"{assembly}.dll"], image.Entrypoint);
        Assert.Equal((".", PublishedOutputs(Stage(copy.Stage))[project]), (copy.Destination, copy.Source));
    }

    [Theory]
    [InlineData("silo")]
    [InlineData("gateway")]
    public void Web_images_listen_where_the_probes_ask(string workload) =>
        Assert.Contains(new("ASPNETCORE_HTTP_PORTS", "8080"), App(workload).LoadImage().Environment);

    [Fact]
    public void The_restore_layer_copies_the_project_files_of_every_project_an_image_builds_and_nothing_else()
    {
        var build = Stage(Assert.Single(Shipped.All.SelectMany(a => a.LoadImage().Copies).Select(c => c.Stage).Distinct()));
        var restore = build.Instructions.ToList().FindIndex(i => i.Instruction == "RUN" && i.Arguments.Contains("dotnet restore", StringComparison.Ordinal));
        var copiedFirst = build.Instructions.Take(restore).Where(i => i.Instruction == "COPY")
            .SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1]);
        var projects = ProjectClosure(Shipped.All.Select(a => a.Project));

        Assert.Equal(
            projects.Select(p => $"{p}/*.csproj").Append("Directory.Build.props").Append("Directory.Packages.props").Order(StringComparer.Ordinal),
            copiedFirst.Order(StringComparer.Ordinal));
        Assert.Equal(
            Shipped.All.Select(a => $"{a.Project}/{a.Project}.csproj").Order(StringComparer.Ordinal),
            RestoredProject().Matches(build.Instructions[restore].Arguments).Select(m => m.Groups["project"].Value).Order(StringComparer.Ordinal));
        Assert.Equal(restore + 1, build.Instructions.ToList().IndexOf(("COPY", ". .")));
    }

    [Fact]
    public void The_three_images_come_from_the_one_Dockerfile_at_the_root()
    {
        var dockerfiles = Directory.EnumerateFiles(Repository.Root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Repository.Root, f).Replace('\\', '/'))
            .Where(f => !f.Split('/').Any(part => part is "bin" or "obj" or ".git" or "node_modules"))
            .Where(f => Path.GetFileName(f) is "Dockerfile" or "Containerfile" || f.EndsWith(".dockerfile", StringComparison.OrdinalIgnoreCase));

        Assert.Equal(["Dockerfile"], dockerfiles);
    }

    [Theory]
    [MemberData(nameof(Workloads))]
    public void Each_workload_runs_the_image_its_Dockerfile_target_is_named_after(string workload)
    {
        var image = Text(Container(Manifests.LoadBase().Single("Deployment", workload))["image"]);

        Assert.Equal($"orleanschat/{App(workload).LoadImage().Target}", image[..image.LastIndexOf(':')]);
    }

    private static Shipped App(string workload) => Shipped.All.Single(a => a.Workload == workload);

    private static DockerStage Stage(string name) => DockerStage.Parse(Shipped.DockerfilePath).Single(s => s.Name == name);

    /// <summary>Project folder to the folder the stage's <c>dotnet publish</c> wrote it to.</summary>
    private static Dictionary<string, string> PublishedOutputs(DockerStage stage) =>
        stage.Instructions.Where(i => i.Instruction == "RUN")
            .SelectMany(i => PublishCommand().Matches(i.Arguments))
            .ToDictionary(m => m.Groups["project"].Value, m => m.Groups["output"].Value, StringComparer.Ordinal);

    /// <summary>The projects' folders and those of every project they reference, directly or not.</summary>
    private static IReadOnlyList<string> ProjectClosure(IEnumerable<string> projects)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(projects);
        while (pending.TryPop(out var project))
        {
            if (!found.Add(project))
            {
                continue;
            }

            var file = Directory.EnumerateFiles(Repository.PathOf(project), "*.csproj").Single();
            foreach (var reference in XDocument.Load(file).Descendants("ProjectReference"))
            {
                var path = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, reference.Attribute("Include")!.Value.Replace('\\', '/')));
                pending.Push(Path.GetRelativePath(Repository.Root, Path.GetDirectoryName(path)!).Replace('\\', '/'));
            }
        }

        return [.. found];
    }

    [GeneratedRegex(@"dotnet publish (?<project>[^/\s]+)/\k<project>\.csproj\b[^&]*?--output (?<output>\S+)")]
    private static partial Regex PublishCommand();

    [GeneratedRegex(@"dotnet restore (?<project>\S+\.csproj)")]
    private static partial Regex RestoredProject();
}
