using YamlDotNet.RepresentationModel;

namespace OrleansChat.DeploymentTests;

/// <summary>The Kubernetes objects of k8s/base, parsed.</summary>
internal sealed class Manifests
{
    private Manifests(IReadOnlyList<YamlMappingNode> objects) => Objects = objects;

    public IReadOnlyList<YamlMappingNode> Objects { get; }

    public static Manifests LoadBase()
    {
        var kustomization = Load(Repository.PathOf("k8s/base/kustomization.yaml")).Single();
        var objects = new List<YamlMappingNode>();
        foreach (var resource in Sequence(kustomization, "resources").Select(Text))
        {
            objects.AddRange(Load(Repository.PathOf(Path.Combine("k8s/base", resource))));
        }

        return new Manifests(objects);
    }

    public static IReadOnlyList<YamlMappingNode> Load(string path)
    {
        using var reader = new StreamReader(path);
        var stream = new YamlStream();
        stream.Load(reader);
        return [.. stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>()];
    }

    public YamlMappingNode Single(string kind, string name) =>
        Objects.Single(o => Text(o["kind"]) == kind && Text(Mapping(o, "metadata")["name"]) == name);

    public IEnumerable<YamlMappingNode> OfKind(string kind) => Objects.Where(o => Text(o["kind"]) == kind);

    /// <summary>The pod template's first container of a Deployment or StatefulSet.</summary>
    public static YamlMappingNode Container(YamlMappingNode workload) =>
        (YamlMappingNode)Sequence(PodSpec(workload), "containers")[0];

    public static YamlMappingNode PodSpec(YamlMappingNode workload) => Mapping(Mapping(Mapping(workload, "spec"), "template"), "spec");

    public static YamlMappingNode PodLabels(YamlMappingNode workload) =>
        Mapping(Mapping(Mapping(Mapping(workload, "spec"), "template"), "metadata"), "labels");

    /// <summary>The container's environment: name to literal value, or to "secret:KEY" / "field:PATH" for references.</summary>
    public static IReadOnlyDictionary<string, string> Environment(YamlMappingNode container)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!container.Children.ContainsKey("env"))
        {
            return env;
        }

        foreach (var item in Sequence(container, "env").Cast<YamlMappingNode>())
        {
            var name = Text(item["name"]);
            if (item.Children.TryGetValue("value", out var value))
            {
                env[name] = Text(value);
            }
            else
            {
                var from = Mapping(item, "valueFrom");
                env[name] = from.Children.TryGetValue("secretKeyRef", out var secret)
                    ? "secret:" + Text(((YamlMappingNode)secret)["key"])
                    : "field:" + Text(((YamlMappingNode)Mapping(from, "fieldRef"))["fieldPath"]);
            }
        }

        return env;
    }

    public static IReadOnlyDictionary<string, int> Ports(YamlMappingNode container) =>
        Sequence(container, "ports").Cast<YamlMappingNode>().ToDictionary(p => Text(p["name"]), p => int.Parse(Text(p["containerPort"]), System.Globalization.CultureInfo.InvariantCulture));

    public static YamlMappingNode Mapping(YamlMappingNode node, string key) => (YamlMappingNode)node[key];

    public static YamlSequenceNode Sequence(YamlMappingNode node, string key) => (YamlSequenceNode)node[key];

    public static string Text(YamlNode node) => ((YamlScalarNode)node).Value ?? "";
}
