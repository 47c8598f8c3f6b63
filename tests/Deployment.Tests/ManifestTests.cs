using System.Reflection;
using OrleansChat.Gateway;
using OrleansChat.Gateway.Auth;
using OrleansChat.Grains;
using OrleansChat.Hosting;
using OrleansChat.Persistence;
using YamlDotNet.RepresentationModel;
using static OrleansChat.DeploymentTests.Manifests;

namespace OrleansChat.DeploymentTests;

/// <summary>The Kubernetes manifests parse, and agree with the code on ports, configuration keys and probe paths.</summary>
public sealed class ManifestTests
{
    private static readonly Manifests Base = Manifests.LoadBase();

    /// <summary>The option classes that bind each configuration section: the only keys the processes read.</summary>
    private static readonly Dictionary<string, Type> Sections = new(StringComparer.Ordinal)
    {
        [OrleansOptions.SectionName] = typeof(OrleansOptions),
        [GatewayOptions.SectionName] = typeof(GatewayOptions),
        [RateLimitOptions.SectionName] = typeof(RateLimitOptions),
        [AuthOptions.SectionName] = typeof(AuthOptions),
        [ChatOptions.SectionName] = typeof(ChatOptions),
        [StorageOptions.SectionName] = typeof(StorageOptions),
        [OrleansChat.PushWorker.PushOptions.SectionName] = typeof(OrleansChat.PushWorker.PushOptions),
        [MetricsOptions.SectionName] = typeof(MetricsOptions),
    };

    /// <summary>Variables read by the platform rather than bound to options.</summary>
    private static readonly HashSet<string> PlatformVariables =
    [
        "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_ENVIRONMENT", "POD_NAME", "POD_NAMESPACE", "POD_IP",
        "ORLEANS_SERVICE_ID", "ORLEANS_CLUSTER_ID", "POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD", "PGDATA",
    ];

    private static readonly string[] WorkloadNames = ["silo", "gateway", "pushworker"];

    public static TheoryData<string> Workloads => [.. WorkloadNames];

    [Fact]
    public void Every_manifest_of_the_base_and_the_local_overlay_parses()
    {
        Assert.Equal(
            ["Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Role", "RoleBinding", "Secret", "Service", "ServiceAccount", "StatefulSet"],
            Base.Objects.Select(o => Text(o["kind"])).Distinct().Order(StringComparer.Ordinal));
        var overlay = Manifests.Load(Repository.PathOf("k8s/overlays/local/kustomization.yaml")).Single();
        foreach (var resource in Sequence(overlay, "resources").Select(Text))
        {
            var path = Repository.PathOf(Path.Combine("k8s/overlays/local", resource));
            Assert.True(File.Exists(path) || File.Exists(Path.Combine(path, "kustomization.yaml")), $"overlay resource {resource} is missing");
        }
    }

    [Theory]
    [MemberData(nameof(Workloads))]
    public void Every_configuration_variable_names_a_key_the_code_binds(string workload)
    {
        foreach (var name in Environment(Container(Base.Single("Deployment", workload))).Keys)
        {
            if (PlatformVariables.Contains(name) || name == "ConnectionStrings__Postgres")
            {
                continue;
            }

            var parts = name.Split("__");
            Assert.True(parts.Length == 2, $"{workload}: {name} is neither Section__Key nor a platform variable");
            Assert.True(Sections.TryGetValue(parts[0], out var options), $"{workload}: {name} names no configuration section the code binds");
            Assert.True(
                options.GetProperty(parts[1], BindingFlags.Public | BindingFlags.Instance)?.CanWrite == true,
                $"{workload}: {name} names no settable property of {options.Name}");
        }
    }

    [Theory]
    [MemberData(nameof(Workloads))]
    public void Every_secret_a_workload_reads_is_in_the_secret(string workload)
    {
        var secret = (YamlMappingNode)Base.Single("Secret", "orleanschat")["stringData"];
        foreach (var value in Environment(Container(Base.Single("Deployment", workload))).Values.Where(v => v.StartsWith("secret:", StringComparison.Ordinal)))
        {
            Assert.Contains(value["secret:".Length..], secret.Children.Keys.Select(Text));
        }
    }

    [Theory]
    [InlineData("silo")]
    [InlineData("gateway")]
    public void Probes_ask_the_paths_the_code_serves_on_the_port_it_listens_on(string workload)
    {
        var container = Container(Base.Single("Deployment", workload));
        var httpPort = Ports(container)["http"];
        Assert.Equal(httpPort.ToString(System.Globalization.CultureInfo.InvariantCulture), Environment(container)["ASPNETCORE_HTTP_PORTS"]);
        Assert.Equal(Operations.LivenessPath, ProbePath(container, "livenessProbe"));
        Assert.Equal(Operations.ReadinessPath, ProbePath(container, "readinessProbe"));
        Assert.Equal("http", Text(Mapping(Mapping(container, "readinessProbe"), "httpGet")["port"]));
    }

    [Theory]
    [InlineData("silo")]
    [InlineData("gateway")]
    public void Metrics_are_served_on_a_port_of_their_own_that_Prometheus_is_told_to_scrape(string workload)
    {
        var deployment = Base.Single("Deployment", workload);
        var container = Container(deployment);
        var metricsPort = Ports(container)["metrics"].ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(metricsPort, Environment(container)["Metrics__Port"]);
        Assert.NotEqual(Ports(container)["http"], Ports(container)["metrics"]);

        var scrape = Mapping(Mapping(Mapping(Mapping(deployment, "spec"), "template"), "metadata"), "annotations");
        Assert.Equal("true", Text(scrape["prometheus.io/scrape"]));
        Assert.Equal(metricsPort, Text(scrape["prometheus.io/port"]));
        Assert.Equal(Operations.MetricsPath, Text(scrape["prometheus.io/path"]));
    }

    [Fact]
    public void Silo_ports_are_the_ones_its_configuration_sets()
    {
        var container = Container(Base.Single("Deployment", "silo"));
        var env = Environment(container);
        var ports = Ports(container);
        Assert.Equal(env["Orleans__SiloPort"], ports["silo"].ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(env["Orleans__GatewayPort"], ports["gateway"].ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(new OrleansOptions().SiloPort, ports["silo"]);
        Assert.Equal(new OrleansOptions().GatewayPort, ports["gateway"]);
        Assert.Equal("false", env["Gateway__Enabled"]);
    }

    [Fact]
    public void Silo_pods_carry_what_Orleans_Kubernetes_hosting_needs()
    {
        var silo = Base.Single("Deployment", "silo");
        var labels = PodLabels(silo);
        var env = Environment(Container(silo));
        Assert.Equal(env["Orleans__ServiceId"], Text(labels["orleans/serviceId"]));
        Assert.Equal(env["Orleans__ClusterId"], Text(labels["orleans/clusterId"]));
        Assert.Equal("field:metadata.labels['orleans/serviceId']", env["ORLEANS_SERVICE_ID"]);
        Assert.Equal("field:metadata.labels['orleans/clusterId']", env["ORLEANS_CLUSTER_ID"]);
        Assert.Equal("field:metadata.name", env["POD_NAME"]);
        Assert.Equal("field:metadata.namespace", env["POD_NAMESPACE"]);
        Assert.Equal("field:status.podIP", env["POD_IP"]);

        var account = Text(PodSpec(silo)["serviceAccountName"]);
        var binding = Base.OfKind("RoleBinding").Single(b => Sequence(b, "subjects").Cast<YamlMappingNode>().Any(s => Text(s["name"]) == account));
        var role = Base.Single("Role", Text(Mapping(binding, "roleRef")["name"]));
        var rule = Sequence(role, "rules").Cast<YamlMappingNode>().Single(r => Sequence(r, "resources").Select(Text).Contains("pods"));
        Assert.Superset(new HashSet<string> { "get", "list", "watch", "patch" }, Sequence(rule, "verbs").Select(Text).ToHashSet());
    }

    [Fact]
    public void Every_workload_other_than_the_database_uses_the_same_cluster_identity()
    {
        var identities = WorkloadNames.Select(w => Environment(Container(Base.Single("Deployment", w))))
            .Select(env => (env["Orleans__ServiceId"], env["Orleans__ClusterId"]))
            .Distinct();
        Assert.Single(identities);
    }

    private static string ProbePath(YamlMappingNode container, string probe) =>
        Text(Mapping(Mapping(container, probe), "httpGet")["path"]);
}
