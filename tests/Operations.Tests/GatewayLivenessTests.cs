using System.Net;
using System.Text.Json;
using OrleansChat.ClusterTests;
using OrleansChat.TestInfrastructure;

namespace OrleansChat.OperationsTests;

/// <summary>
/// A standalone gateway (its own process) started before any silo: it lives at once, is ready only while its
/// cluster client is connected, and answers requests that need the cluster with 503 <c>unavailable</c> meanwhile.
/// </summary>
public sealed class GatewayLivenessTests : IDisposable
{
    private const string SigningKey = "operations-tests-signing-key-0123456789abcdef";
    private static readonly TimeSpan Start = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Turn = TimeSpan.FromSeconds(60);

    private readonly ScratchDirectory _data = new("orleanschat-operations");

    [Fact]
    public async Task A_gateway_started_before_any_silo_lives_at_once_and_is_ready_only_while_a_silo_answers()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var gatewayPort = LoopbackPorts.Free();
        string[] common = [$"Orleans:GatewayPort={gatewayPort}", $"Auth:SigningKey={SigningKey}", "Logging:LogLevel:Default=Warning"];

        // No silo anywhere: the gateway still answers its liveness probe, and says it is not ready.
        await using var gateway = await ChatProcess.StartReadyAsync(
            "gateway", "WebSocketFrontend", "OrleansChat.WebSocketFrontend", () => common, http, Start, readyPath: "/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await Probes.StatusAsync(http, new Uri(gateway.BaseAddress, "/health/ready")));
        await AssertUnavailableAsync(http, gateway.BaseAddress);

        // A silo comes: the gateway turns ready by itself.
        string[] silo = [.. common, $"Orleans:SiloPort={LoopbackPorts.Free()}", $"Storage:DataDirectory={_data.Path}", "Gateway:Enabled=false"];
        await using (var first = await ChatProcess.StartReadyAsync("silo", "Silo", "OrleansChat.Silo", () => silo, http, Start))
        {
            await Probes.AwaitStatusAsync(http, new Uri(gateway.BaseAddress, "/health/ready"), HttpStatusCode.OK, Turn, () => gateway.Output);
            using var chats = await GetChatsAsync(http, gateway.BaseAddress);
            Assert.Equal(HttpStatusCode.OK, chats.StatusCode);

            // The silo dies: not ready again, while still alive.
            first.Kill();
            await Probes.AwaitStatusAsync(http, new Uri(gateway.BaseAddress, "/health/ready"), HttpStatusCode.ServiceUnavailable, Turn, () => gateway.Output);
            Assert.Equal(HttpStatusCode.OK, await Probes.StatusAsync(http, new Uri(gateway.BaseAddress, "/health")));
        }

        // The cluster is back at the same address: ready again.
        await using var second = await ChatProcess.StartReadyAsync("silo again", "Silo", "OrleansChat.Silo", () => silo, http, Start);
        await Probes.AwaitStatusAsync(http, new Uri(gateway.BaseAddress, "/health/ready"), HttpStatusCode.OK, Turn, () => gateway.Output);
    }

    public void Dispose() => _data.Dispose();

    private static async Task AssertUnavailableAsync(HttpClient http, Uri gateway)
    {
        using var response = await GetChatsAsync(http, gateway);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("unavailable", problem.RootElement.GetProperty("code").GetString());
    }

    private static Task<HttpResponseMessage> GetChatsAsync(HttpClient http, Uri gateway)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(gateway, "/api/v1/me/chats"));
        request.Headers.Authorization = new("Bearer", new Tokens(SigningKey).For("alice"));
        return http.SendAsync(request);
    }
}
