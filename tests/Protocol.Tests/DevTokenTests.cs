using System.Net;

namespace OrleansChat.ProtocolTests;

/// <summary>PROTOCOL.md 2: development tokens exist only where configuration enables them, and roles only in Development.</summary>
public sealed class DevTokenTests
{
    [Fact]
    public async Task Outside_development_the_dev_token_endpoint_is_not_found_unless_configured()
    {
        await using var server = await ChatServer.StartAsync();

        using var response = await server.SendAsync(ChatUser.Request(HttpMethod.Post, server.Api("auth/dev-token"), new { userId = "alice" }));

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "not_found");
    }
}

/// <summary>Dev tokens on the shared server, which runs in Production with <c>Auth:DevTokens=true</c> set.</summary>
[Collection(SharedServer.Name)]
public sealed class ConfiguredDevTokenTests(ChatServerFixture fixture)
{
    [Fact]
    public async Task Outside_development_a_dev_token_asking_for_roles_answers_400()
    {
        var server = fixture.Server;

        using var response = await server.SendAsync(ChatUser.Request(
            HttpMethod.Post, server.Api("auth/dev-token"), new { userId = "ops", roles = new[] { "admin" } }));

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "bad_request");
    }
}
