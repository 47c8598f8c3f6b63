using System.Globalization;

namespace OrleansChat.DeploymentTests;

/// <summary>
/// What the as-deployed tests change when they run a container here: secrets, pod fields, the advertised address
/// and port numbers, consistently; everything else is exactly as the Dockerfile and the manifest declare it.
/// </summary>
public sealed class LaunchEnvironmentTests
{
    private static readonly StandIns Here = new()
    {
        Secrets = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = "Host=127.0.0.1;Port=1;Database=stand-in",
            ["Auth__SigningKey"] = "a-stand-in-signing-key-of-at-least-32-bytes",
        },
    };

    public static TheoryData<string> Workloads => [.. Shipped.All.Select(a => a.Workload)];

    [Theory]
    [MemberData(nameof(Workloads))]
    public void The_local_environment_is_the_declared_one_but_for_secrets_pod_fields_and_ports(string workload)
    {
        var container = DeclaredContainer.Load(Shipped.All.Single(a => a.Workload == workload), Manifests.LoadBase());
        var launch = LocalLaunch.Resolve(container, Here);

        Assert.Equal(container.DeclaredPorts.Order(), launch.PortMap.Keys.Order());
        Assert.Equal(launch.PortMap.Count, launch.PortMap.Values.Distinct().Count());
        foreach (var (name, declared) in container.Environment)
        {
            var local = launch.Environment[name];
            if (declared.StartsWith("secret:", StringComparison.Ordinal))
            {
                Assert.Equal(Here.Secrets[declared["secret:".Length..]], local);
            }
            else if (declared.StartsWith("field:", StringComparison.Ordinal))
            {
                Assert.NotEqual(declared, local);
            }
            else if (launch.PortMap.TryGetValue(int.TryParse(declared, CultureInfo.InvariantCulture, out var port) ? port : -1, out var mapped))
            {
                Assert.Equal(mapped.ToString(CultureInfo.InvariantCulture), local);
            }
            else
            {
                Assert.Equal(declared, local);
            }
        }

        var added = launch.Environment.Keys.Except(container.Environment.Keys).ToList();
        Assert.Equal(container.Environment.ContainsKey("Orleans__SiloPort") ? [LocalLaunch.AdvertisedAddressVariable] : [], added);
    }

    [Theory]
    [InlineData("silo")]
    [InlineData("gateway")]
    public void Every_probe_reaches_the_port_the_environment_makes_Kestrel_listen_on(string workload)
    {
        var container = DeclaredContainer.Load(Shipped.All.Single(a => a.Workload == workload), Manifests.LoadBase());
        var launch = LocalLaunch.Resolve(container, Here);
        var declaredHttpPort = int.Parse(container.Environment["ASPNETCORE_HTTP_PORTS"], CultureInfo.InvariantCulture);

        Assert.NotEmpty(container.Probes);
        foreach (var probe in container.Probes)
        {
            Assert.Equal(declaredHttpPort, container.ContainerPortOf(probe));
            Assert.Equal(launch.Environment["ASPNETCORE_HTTP_PORTS"], launch.ProbeUri(probe).Port.ToString(CultureInfo.InvariantCulture));
        }

        // A container engine keeps the declared values and publishes the same map instead.
        var published = LocalLaunch.Resolve(container, Here, mapPortsInEnvironment: false);
        Assert.Equal(container.Environment["ASPNETCORE_HTTP_PORTS"], published.Environment["ASPNETCORE_HTTP_PORTS"]);
    }

    [Theory]
    [MemberData(nameof(Workloads))]
    public void Each_image_runs_its_published_assembly_from_its_working_directory(string workload)
    {
        var image = Shipped.All.Single(a => a.Workload == workload).LoadImage();
        Assert.Equal("/app", image.WorkDirectory);
        Assert.Equal("dotnet", image.Entrypoint[0]);
        Assert.EndsWith(".dll", image.Entrypoint[1], StringComparison.Ordinal);
    }
}
