using System.Globalization;
using System.Text.RegularExpressions;

namespace OrleansChat.DeploymentTests;

/// <summary>What stands in, on this machine, for what a Kubernetes cluster gives a pod.</summary>
internal sealed class StandIns
{
    public const string PodIP = "127.0.0.1";
    public const string Namespace = "orleanschat";

    /// <summary>Secret keys (as <c>secretKeyRef.key</c> names them) to the values this machine uses.</summary>
    public required IReadOnlyDictionary<string, string> Secrets { get; init; }
}

/// <summary>
/// A declared container made runnable here: references resolved (secrets, pod fields), the advertised address
/// set to the pod IP stand-in, and every declared port mapped to a free loopback port. Processes on one machine
/// share its ports, so the map is applied inside the environment values; a container engine would keep the
/// environment as declared and publish the map instead (<see cref="MapPortsInEnvironment"/> false).
/// </summary>
internal sealed partial class LocalLaunch
{
    public const string AdvertisedAddressVariable = "Orleans__AdvertisedIPAddress";

    public required DeclaredContainer Container { get; init; }

    public required string PodName { get; init; }

    /// <summary>Container port to the loopback port that stands for it.</summary>
    public required IReadOnlyDictionary<int, int> PortMap { get; init; }

    public required bool MapPortsInEnvironment { get; init; }

    public required IReadOnlyDictionary<string, string> Environment { get; init; }

    /// <summary>Where a probe of the manifest reaches this container from here.</summary>
    public Uri ProbeUri(Probe probe) =>
        new($"http://127.0.0.1:{PortMap[Container.ContainerPortOf(probe)].ToString(CultureInfo.InvariantCulture)}{probe.Path}");

    public Uri HttpBase(string portName = "http") =>
        new($"http://127.0.0.1:{PortMap[Container.NamedPorts[portName]].ToString(CultureInfo.InvariantCulture)}");

    public static LocalLaunch Resolve(DeclaredContainer container, StandIns standIns, bool mapPortsInEnvironment = true)
    {
        var portMap = container.DeclaredPorts.ToDictionary(p => p, _ => TestInfrastructure.LoopbackPorts.Free());
        var podName = $"{container.App.Workload}-{Guid.NewGuid().ToString("N")[..10]}";
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, declared) in container.Environment)
        {
            environment[name] = declared switch
            {
                _ when declared.StartsWith("secret:", StringComparison.Ordinal) => standIns.Secrets.TryGetValue(declared["secret:".Length..], out var secret)
                    ? secret
                    : throw new InvalidOperationException($"{name} reads secret key {declared["secret:".Length..]}, which these tests have no stand-in for"),
                _ when declared.StartsWith("field:", StringComparison.Ordinal) => PodField(container, declared["field:".Length..], podName),
                _ when mapPortsInEnvironment => MapPorts(declared, portMap),
                _ => declared,
            };
        }

        // Without Kubernetes' pod network, the silo's own address guess would be this machine's first address.
        if (container.Environment.ContainsKey("Orleans__SiloPort"))
        {
            environment[AdvertisedAddressVariable] = StandIns.PodIP;
        }

        return new LocalLaunch
        {
            Container = container,
            PodName = podName,
            PortMap = portMap,
            MapPortsInEnvironment = mapPortsInEnvironment,
            Environment = environment,
        };
    }

    /// <summary>A value that is a declared port, or a ';'-list of them (ASPNETCORE_HTTP_PORTS), gets the mapped ports.</summary>
    public static string MapPorts(string value, IReadOnlyDictionary<int, int> portMap)
    {
        var parts = value.Split(';');
        var ports = parts.Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && portMap.ContainsKey(port) ? port : -1).ToArray();
        return ports.All(p => p >= 0)
            ? string.Join(';', ports.Select(p => portMap[p].ToString(CultureInfo.InvariantCulture)))
            : value;
    }

    private static string PodField(DeclaredContainer container, string path, string podName) => path switch
    {
        "metadata.name" => podName,
        "metadata.namespace" => StandIns.Namespace,
        "status.podIP" => StandIns.PodIP,
        _ when LabelField().Match(path) is { Success: true } label => container.PodLabels[label.Groups["label"].Value],
        _ => throw new InvalidOperationException($"No stand-in for the pod field {path}"),
    };

    [GeneratedRegex(@"^metadata\.labels\['(?<label>[^']+)'\]$")]
    private static partial Regex LabelField();
}
