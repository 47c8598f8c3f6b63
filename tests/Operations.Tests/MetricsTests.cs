using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using OrleansChat.ClusterTests;
using OrleansChat.TestInfrastructure;

namespace OrleansChat.OperationsTests;

/// <summary>The Silo as its own process: where <c>/metrics</c> is served, and what the Grafana dashboard asks of it.</summary>
public sealed partial class MetricsTests : IDisposable
{
    private const string SigningKey = "operations-tests-signing-key-0123456789abcdef";
    private static readonly TimeSpan Start = TimeSpan.FromSeconds(60);

    private readonly ScratchDirectory _data = new("orleanschat-operations");

    [Fact]
    public async Task With_Metrics_Port_set_metrics_are_served_on_that_port_and_not_with_the_API()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var metricsPort = LoopbackPorts.Free();
        await using var silo = await StartSiloAsync(http, $"Metrics:Port={metricsPort}");

        using var metrics = await http.GetAsync(new Uri($"http://127.0.0.1:{metricsPort}/metrics"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Contains("# TYPE ", await metrics.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, await Probes.StatusAsync(http, new Uri(silo.BaseAddress, "/metrics")));
        Assert.Equal(HttpStatusCode.OK, await Probes.StatusAsync(http, new Uri(silo.BaseAddress, "/health/ready")));
    }

    [Fact]
    public async Task Every_metric_the_Grafana_dashboard_queries_is_exported_after_some_traffic()
    {
        var wanted = DashboardMetrics();
        Assert.Contains("chat_send_to_ack_duration_seconds_bucket", wanted);
        Assert.Contains("orleans_catalog_activations", wanted);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await using var silo = await StartSiloAsync(http);
        var tokens = new Tokens(SigningKey);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (alice, bob) = ("alice-" + suffix, "bob-" + suffix);

        // Bob is offline with a device: alice's messages queue push rows, which the silo's push worker sends (Log).
        var chat = await PostAsync(http, silo.BaseAddress, tokens.For(alice), "/api/v1/chats", new { title = "ops", members = new[] { bob } });
        var chatId = chat.GetProperty("chatId").GetString()!;
        await PostAsync(http, silo.BaseAddress, tokens.For(bob), "/api/v1/devices", new { platform = "fcm", token = "ops-device-" + suffix });
        await using var client = await ChatClient.ConnectAsync(alice, silo.BaseAddress, SigningKey);
        for (var i = 0; i < 3; i++)
        {
            var clientMsgId = $"m{i}";
            await client.SendAsync(new { type = "send", @ref = clientMsgId, chatId, clientMsgId, content = "hello " + i });
            var ack = await client.NextAsync(f => f.TryGetProperty("ref", out var r) && r.GetString() == clientMsgId, TimeSpan.FromSeconds(30));
            Assert.Equal("ack", ack.GetProperty("type").GetString());
        }

        // Instruments report as their events happen (the push worker polls): scrape until every name is there.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        string[] missing;
        while (true)
        {
            var exported = ExportedNames(await http.GetStringAsync(new Uri(silo.BaseAddress, "/metrics"), TestContext.Current.CancellationToken));
            missing = [.. wanted.Where(name => !exported.Contains(name)).Order(StringComparer.Ordinal)];
            if (missing.Length == 0 || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), TestContext.Current.CancellationToken);
        }

        Assert.True(missing.Length == 0, $"The dashboard queries metrics the silo does not export: {string.Join(", ", missing)}");
    }

    public void Dispose() => _data.Dispose();

    /// <summary>Every metric name in the dashboard's PromQL, with the dashboard checked to be importable as it is.</summary>
    private static HashSet<string> DashboardMetrics()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Repository.PathOf("k8s/grafana/orleanschat.json")));
        var root = dashboard.RootElement;
        Assert.Contains(root.GetProperty("templating").GetProperty("list").EnumerateArray(), v =>
            v.GetProperty("type").GetString() == "datasource" && v.GetProperty("query").GetString() == "prometheus");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var panel in root.GetProperty("panels").EnumerateArray())
        {
            Assert.Equal("${datasource}", panel.GetProperty("datasource").GetProperty("uid").GetString());
            foreach (var target in panel.GetProperty("targets").EnumerateArray())
            {
                names.UnionWith(MetricNames(target.GetProperty("expr").GetString()!));
            }
        }

        return names;
    }

    /// <summary>The series names of a PromQL expression: identifiers that are not functions, keywords, labels or durations.</summary>
    internal static IEnumerable<string> MetricNames(string expression)
    {
        var bare = Grouping().Replace(expression, " ");
        bare = Braces().Replace(bare, " ");
        bare = Brackets().Replace(bare, " ");
        foreach (Match match in Identifier().Matches(bare))
        {
            if (match.Value is not ("and" or "or" or "unless" or "bool" or "offset" or "inf" or "nan"))
            {
                yield return match.Value;
            }
        }
    }

    /// <summary>The metric names of Prometheus' text format.</summary>
    private static HashSet<string> ExportedNames(string text) =>
        [.. text.Split('\n').Where(line => line.Length > 0 && line[0] != '#').Select(line => line[..line.IndexOfAny(['{', ' '])])];

    private async Task<ChatProcess> StartSiloAsync(HttpClient http, params string[] settings) =>
        await ChatProcess.StartReadyAsync(
            "silo", "Silo", "OrleansChat.Silo",
            () =>
            [
                $"Orleans:SiloPort={LoopbackPorts.Free()}", $"Orleans:GatewayPort={LoopbackPorts.Free()}", $"Storage:DataDirectory={_data.Path}",
                $"Auth:SigningKey={SigningKey}", "Logging:LogLevel:Default=Warning", .. settings,
            ],
            http, Start);

    private static async Task<JsonElement> PostAsync(HttpClient http, Uri node, string token, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(node, path)) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new("Bearer", token);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [GeneratedRegex(@"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Braces();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Brackets();

    [GeneratedRegex(@"(?<![\w$.])[A-Za-z_:][A-Za-z0-9_:]*\b(?!\s*\()")]
    private static partial Regex Identifier();
}
