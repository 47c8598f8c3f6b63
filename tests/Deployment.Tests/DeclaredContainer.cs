using System.Globalization;
using YamlDotNet.RepresentationModel;
using static OrleansChat.DeploymentTests.Manifests;

namespace OrleansChat.DeploymentTests;

/// <summary>
/// One of the three things we ship: a project, its Kubernetes workload, and its image: the stage of the root
/// Dockerfile named as the workload is (<c>docker build --target gateway -t orleanschat/gateway</c>).
/// </summary>
internal sealed record Shipped(string Project, string Workload)
{
    public static readonly Shipped Silo = new("Silo", "silo");
    public static readonly Shipped Gateway = new("WebSocketFrontend", "gateway");
    public static readonly Shipped PushWorker = new("PushWorker", "pushworker");

    public static IReadOnlyList<Shipped> All { get; } = [Silo, Gateway, PushWorker];

    public static string DockerfilePath => Repository.PathOf("Dockerfile");

    public string ImageTarget => Workload;

    public Dockerfile LoadImage() => Dockerfile.Load(DockerfilePath, ImageTarget);
}

/// <summary>A Kubernetes HTTP probe; <see cref="Port"/> is a port name or number, as the manifest writes it.</summary>
internal sealed record Probe(string Kind, string Path, string Port, int PeriodSeconds, int FailureThreshold)
{
    /// <summary>How long Kubernetes lets the probe fail before it acts.</summary>
    public TimeSpan Budget => TimeSpan.FromSeconds(PeriodSeconds * FailureThreshold);
}

/// <summary>
/// A container as declared: the image's ENV overlaid by the pod's env (as Kubernetes does), the pod's named ports,
/// the image's exposed ports, the pod's labels and probes. References stay references ("secret:KEY", "field:PATH").
/// </summary>
internal sealed class DeclaredContainer
{
    public required Shipped App { get; init; }

    public required Dockerfile Image { get; init; }

    public required IReadOnlyDictionary<string, string> Environment { get; init; }

    public required IReadOnlyDictionary<string, int> NamedPorts { get; init; }

    /// <summary>Every port the pod or the image declares.</summary>
    public required IReadOnlyList<int> DeclaredPorts { get; init; }

    public required IReadOnlyDictionary<string, string> PodLabels { get; init; }

    public required IReadOnlyList<Probe> Probes { get; init; }

    public Probe? ProbeOf(string kind) => Probes.SingleOrDefault(p => p.Kind == kind);

    /// <summary>The container port a probe asks: its port name looked up among the pod's ports, or its number.</summary>
    public int ContainerPortOf(Probe probe) =>
        NamedPorts.TryGetValue(probe.Port, out var port) ? port : int.Parse(probe.Port, CultureInfo.InvariantCulture);

    public static DeclaredContainer Load(Shipped app, Manifests manifests)
    {
        var image = app.LoadImage();
        var workload = manifests.Single("Deployment", app.Workload);
        var container = Container(workload);

        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in image.Environment)
        {
            environment[name] = value;
        }

        foreach (var (name, value) in Manifests.Environment(container))
        {
            environment[name] = value;
        }

        var namedPorts = container.Children.ContainsKey("ports") ? Ports(container) : new Dictionary<string, int>();
        var labels = PodLabels(workload).Children.ToDictionary(p => Text(p.Key), p => Text(p.Value), StringComparer.Ordinal);
        var probes = new List<Probe>();
        foreach (var kind in new[] { "livenessProbe", "readinessProbe", "startupProbe" })
        {
            if (container.Children.TryGetValue(kind, out var node))
            {
                probes.Add(ProbeFrom(kind, (YamlMappingNode)node));
            }
        }

        return new DeclaredContainer
        {
            App = app,
            Image = image,
            Environment = environment,
            NamedPorts = namedPorts,
            DeclaredPorts = [.. namedPorts.Values.Concat(image.Exposed).Distinct().Order()],
            PodLabels = labels,
            Probes = probes,
        };
    }

    private static Probe ProbeFrom(string kind, YamlMappingNode probe)
    {
        var get = Mapping(probe, "httpGet");
        return new Probe(
            kind,
            Text(get["path"]),
            Text(get["port"]),
            IntOr(probe, "periodSeconds", 10),
            IntOr(probe, "failureThreshold", 3));
    }

    // Kubernetes' defaults where the manifest says nothing.
    private static int IntOr(YamlMappingNode node, string key, int fallback) =>
        node.Children.TryGetValue(key, out var value) ? int.Parse(Text(value), CultureInfo.InvariantCulture) : fallback;
}
