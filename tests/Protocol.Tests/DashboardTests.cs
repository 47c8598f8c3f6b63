using System.Net;
using System.Net.Http.Headers;

namespace OrleansChat.ProtocolTests;

/// <summary>PROTOCOL.md 2: the Orleans dashboard, its APIs and its live trace need a token with the <c>Auth:AdminRole</c> role.</summary>
[Collection(SharedServer.Name)]
public sealed class DashboardTests(ChatServerFixture fixture) : IDisposable
{
    // A redirect is the dashboard's own answer; following it would drop the Authorization header.
    private readonly HttpClient _http = new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = fixture.Server.BaseAddress };

    private ChatServer Server => fixture.Server;

    public static TheoryData<string> EveryPathFamily => new()
    {
        "/dashboard",
        "/dashboard/",
        "/dashboard/index.html",
        "/dashboard/index.min.js",
        "/dashboard/version",
        "/dashboard/ClusterStats",
        "/dashboard/DashboardCounters",
        "/dashboard/GrainTypes",
        "/dashboard/Trace",
    };

    [Theory]
    [MemberData(nameof(EveryPathFamily))]
    public async Task The_dashboard_answers_401_with_a_bearer_challenge_without_a_token(string path)
    {
        using var response = await GetAsync(path, null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
    }

    [Theory]
    [MemberData(nameof(EveryPathFamily))]
    public async Task The_dashboard_answers_403_to_a_user_without_the_admin_role(string path)
    {
        using var response = await GetAsync(path, Server.NewUser("alice").Token);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        await Expect.ProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
    }

    [Theory]
    [MemberData(nameof(EveryPathFamily))]
    public async Task The_dashboard_answers_403_to_a_role_that_is_not_the_admin_role(string path)
    {
        using var response = await GetAsync(path, Server.Tokens.WithRoles("alice", "auditor"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        await Expect.ProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
    }

    [Theory]
    [MemberData(nameof(EveryPathFamily))]
    public async Task The_dashboard_opens_to_a_token_with_the_admin_role(string path)
    {
        using var response = await GetAsync(path, Server.Tokens.WithRoles("ops", "auditor", "admin"));

        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Redirect or HttpStatusCode.MovedPermanently,
            $"{path} answered {(int)response.StatusCode}");
    }

    private async Task<HttpResponseMessage> GetAsync(string path, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Server.BaseAddress, path));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        // The trace is a stream that never ends: the status and headers are all a test needs.
        return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
    }

    public void Dispose() => _http.Dispose();
}

/// <summary><c>Auth:AdminRole</c> names the role; the default's name then opens nothing.</summary>
public sealed class ConfiguredAdminRoleTests
{
    [Fact]
    public async Task The_dashboard_opens_to_the_configured_admin_role_and_not_to_admin()
    {
        await using var server = await ChatServer.StartAsync(null, "Auth:AdminRole=chat-operators");

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(server, server.Tokens.WithRoles("ops", "chat-operators")));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(server, server.Tokens.WithRoles("ops", "admin")));
    }

    private static async Task<HttpStatusCode> StatusAsync(ChatServer server, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.BaseAddress, "/dashboard/ClusterStats"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await server.SendAsync(request);
        return response.StatusCode;
    }
}
