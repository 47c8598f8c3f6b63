using System.Globalization;
using System.Net;
using System.Text.Json;
using Npgsql;
using OrleansChat.TestInfrastructure;

namespace OrleansChat.DeploymentTests;

/// <summary>What we ship, started as its image and its manifest start it (see <see cref="AsDeployedCluster"/>).</summary>
public sealed class AsDeployedTests(AsDeployedCluster cluster) : IClassFixture<AsDeployedCluster>
{
    private static readonly TimeSpan FrameTimeout = TimeSpan.FromSeconds(30);

    public static TheoryData<string> ProbedWorkloads => ["silo", "gateway"];

    [Theory]
    [MemberData(nameof(ProbedWorkloads))]
    public async Task Each_probed_workload_answers_its_liveness_readiness_and_startup_probes_on_its_declared_http_port(string workload)
    {
        cluster.SkipIfUnavailable();
        var deployed = workload == "silo" ? cluster.Silo : cluster.Gateway;
        var container = deployed.Launch.Container;
        Assert.Equal(["livenessProbe", "readinessProbe", "startupProbe"], container.Probes.Select(p => p.Kind).Order(StringComparer.Ordinal));
        Assert.True(deployed.ReadyAfter < container.ProbeOf("startupProbe")!.Budget, $"{workload} was ready after {deployed.ReadyAfter}");

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        foreach (var probe in container.Probes)
        {
            Assert.Equal(container.NamedPorts["http"], container.ContainerPortOf(probe));
            using var response = await http.GetAsync(deployed.Launch.ProbeUri(probe), TestContext.Current.CancellationToken);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{probe.Kind} {probe.Path}: {(int)response.StatusCode}\n{deployed.App.Output}");
        }
    }

    [Fact]
    public async Task A_silo_and_a_gateway_started_from_their_manifests_form_one_cluster_in_PostgreSQL()
    {
        cluster.SkipIfUnavailable();
        var silo = cluster.Silo.Launch;
        var members = new List<(string Address, int Port, int Status, int ProxyPort)>();
        await using (var connection = new NpgsqlConnection(cluster.ConnectionString))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = new NpgsqlCommand(
                "SELECT address, port, status, proxy_port FROM orleans_membership WHERE deployment_id = @cluster", connection);
            command.Parameters.AddWithValue("cluster", silo.Environment["Orleans__ClusterId"]);
            await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                members.Add((reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3)));
            }
        }

        // 3 is Orleans' SiloStatus.Active (a start retried on new ports may have left a dead row); the silo
        // advertises the pod address on its declared ports (mapped here).
        var member = Assert.Single(members, m => m.Status == 3);
        Assert.Equal((StandIns.PodIP, silo.PortMap[silo.Container.NamedPorts["silo"]], 3, silo.PortMap[silo.Container.NamedPorts["gateway"]]), member);
        Assert.Equal(silo.Environment["Orleans__ClusterId"], cluster.Gateway.Launch.Environment["Orleans__ClusterId"]);
    }

    [Fact]
    public async Task Two_users_chat_through_a_gateway_started_from_its_manifest()
    {
        cluster.SkipIfUnavailable();
        var gateway = cluster.Gateway.Launch.HttpBase();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        await using var alice = await ChatClient.ConnectAsync("alice-" + suffix, gateway, AsDeployedCluster.SigningKey);
        await using var bob = await ChatClient.ConnectAsync("bob-" + suffix, gateway, AsDeployedCluster.SigningKey);
        Assert.Equal("welcome", alice.Welcome.GetProperty("type").GetString());
        Assert.Equal(bob.UserId, bob.Welcome.GetProperty("userId").GetString());

        var chat = await alice.PostAsync("/api/v1/chats", new { title = "Deployed", members = new[] { bob.UserId } });
        var chatId = chat.GetProperty("chatId").GetString()!;
        await alice.SendAsync(new { type = "send", @ref = "r1", chatId, clientMsgId = "k1", content = "hello through the deployed gateway" });

        var ack = await alice.NextAsync(f => Is(f, "ack") || Is(f, "error"), FrameTimeout);
        Assert.True(Is(ack, "ack"), ack.ToString());
        Assert.Equal(("r1", chatId, "k1", 1L), (ack.GetProperty("ref").GetString(), ack.GetProperty("chatId").GetString(), ack.GetProperty("clientMsgId").GetString(), ack.GetProperty("seq").GetInt64()));

        var message = await bob.NextAsync(f => Is(f, "message"), FrameTimeout);
        Assert.Equal(
            (chatId, 1L, ack.GetProperty("messageId").GetString(), alice.UserId, "hello through the deployed gateway", "k1"),
            (message.GetProperty("chatId").GetString(), message.GetProperty("seq").GetInt64(), message.GetProperty("messageId").GetString(),
                message.GetProperty("senderId").GetString(), message.GetProperty("content").GetString(), message.GetProperty("clientMsgId").GetString()));
    }

    [Fact]
    public async Task A_WebSocket_connection_leaves_no_per_request_information_lines_in_the_gateway_log()
    {
        cluster.SkipIfUnavailable();
        var app = cluster.Gateway.App;
        var before = app.Lines.Count;
        await using (var carol = await ChatClient.ConnectAsync("carol-" + Guid.NewGuid().ToString("N")[..8], cluster.Gateway.Launch.HttpBase(), AsDeployedCluster.SigningKey))
        {
            await carol.SendAsync(new { type = "ping", @ref = "p1" });
            var pong = await carol.NextAsync(f => Is(f, "pong"), FrameTimeout);
            Assert.Equal("p1", pong.GetProperty("ref").GetString());
        }

        var during = LogEntries.Parse([.. app.Lines.Skip(before)]);
        Assert.DoesNotContain(during, e => e.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) && e.Level is "Trace" or "Debug" or "Information");
    }

    [Fact]
    public void The_push_worker_started_from_its_manifest_joins_the_cluster_and_keeps_running()
    {
        cluster.SkipIfUnavailable();
        var worker = cluster.PushWorker.App;

        Assert.Contains(worker.Lines, line => line.Contains(AsDeployedCluster.HostStarted, StringComparison.Ordinal));
        Assert.False(worker.HasExited, worker.Output);
        Assert.DoesNotContain(LogEntries.Parse(worker.Lines), e => e.Level is "Error" or "Critical");
    }

    [Fact]
    public void No_workload_started_from_its_manifest_logs_an_error_or_a_watchdog_stall()
    {
        cluster.SkipIfUnavailable();
        foreach (var deployed in new[] { cluster.Silo, cluster.Gateway, cluster.PushWorker })
        {
            Assert.DoesNotContain(deployed.App.Lines, line => line.Contains("Participant check thread", StringComparison.Ordinal));
            Assert.DoesNotContain(LogEntries.Parse(deployed.App.Lines), e => e.Level is "Error" or "Critical");
            Assert.False(deployed.App.HasExited, deployed.App.Output);
        }

        Assert.Equal(
            cluster.Silo.Launch.PortMap[cluster.Silo.Launch.Container.NamedPorts["http"]].ToString(CultureInfo.InvariantCulture),
            cluster.Silo.Launch.Environment["ASPNETCORE_HTTP_PORTS"]);
    }

    private static bool Is(JsonElement frame, string type) => frame.GetProperty("type").GetString() == type;
}
