using System.Net;
using System.Net.Http.Headers;
using Microsoft.IdentityModel.JsonWebTokens;

namespace OrleansChat.ProtocolTests;

/// <summary>A server in the Development environment, as <c>dotnet run</c> starts one through its launch profile.</summary>
public sealed class DevelopmentServerFixture : IAsyncLifetime
{
    public ChatServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Server = await ChatServer.StartAsync(null, "environment=Development");

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}

public sealed class DevelopmentTests(DevelopmentServerFixture fixture) : IClassFixture<DevelopmentServerFixture>
{
    private ChatServer Server => fixture.Server;

    [Fact]
    public async Task In_development_dev_tokens_are_served_without_configuration()
    {
        var token = await DevTokenAsync(new { userId = "alice" });

        Assert.DoesNotContain(new JsonWebToken(token).Claims, c => c.Type == "role");
    }

    [Fact]
    public async Task In_development_a_dev_token_carries_the_roles_it_asked_for_in_its_role_claim()
    {
        var token = await DevTokenAsync(new { userId = "ops", roles = new[] { "admin", "auditor" } });

        Assert.Equal(["admin", "auditor"], new JsonWebToken(token).Claims.Where(c => c.Type == "role").Select(c => c.Value).Order());
    }

    [Fact]
    public async Task In_development_the_dashboard_still_needs_the_admin_role()
    {
        var user = await DevTokenAsync(new { userId = "alice" });
        var admin = await DevTokenAsync(new { userId = "ops", roles = new[] { "admin" } });

        Assert.Equal(HttpStatusCode.Unauthorized, await DashboardStatusAsync(null));
        Assert.Equal(HttpStatusCode.Forbidden, await DashboardStatusAsync(user));
        Assert.Equal(HttpStatusCode.OK, await DashboardStatusAsync(admin));
    }

    private async Task<HttpStatusCode> DashboardStatusAsync(string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Server.BaseAddress, "/dashboard/ClusterStats"));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        using var response = await Server.SendAsync(request);
        return response.StatusCode;
    }

    private async Task<string> DevTokenAsync(object body)
    {
        using var response = await Server.SendAsync(ChatUser.Request(HttpMethod.Post, Server.Api("auth/dev-token"), body));
        return (await Expect.StatusAsync(response, HttpStatusCode.OK)).Text("accessToken");
    }
}
