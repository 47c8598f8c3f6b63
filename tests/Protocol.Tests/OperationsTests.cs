using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace OrleansChat.ProtocolTests;

[Collection(SharedServer.Name)]
public sealed class OperationsTests(ChatServerFixture fixture)
{
    private ChatServer Server => fixture.Server;

    [Theory]
    [InlineData("/health")]
    [InlineData("/health/ready")]
    public async Task Health_endpoints_answer_200_without_a_token(string path)
    {
        using var response = await Server.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Metrics_answer_prometheus_text()
    {
        await using (var socket = await Server.NewUser("alice").ConnectAsync())
        {
            await socket.RoundTripAsync();
        }

        using var response = await Server.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("# TYPE ", await response.ReadTextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_carry_the_chats_own_instruments()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();
        await using (var socket = await alice.ConnectAsync())
        {
            await alice.PostMessageAsync(chatId, "counted");
            await socket.ReceiveAsync("message", chatId);
        }

        using var response = await Server.GetAsync("/metrics");
        var text = await response.ReadTextAsync();

        Assert.Contains("# TYPE chat_connections gauge", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE chat_messages_stored_total counter", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE chat_deliveries_total counter", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE chat_send_to_ack_duration_seconds histogram", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE chat_store_transaction_duration_seconds histogram", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE chat_store_transaction_messages histogram", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_dashboard_asks_for_a_token_outside_development()
    {
        using var anonymous = await Server.GetAsync("/dashboard/");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Server.BaseAddress, "/dashboard/"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Server.Tokens.WithRoles("ops", "admin"));
        using var authorized = await Server.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, authorized.StatusCode);
    }

    [Fact]
    public async Task A_dev_token_is_issued_and_opens_rest_and_the_socket()
    {
        var userId = Server.NewUser("alice").Id;

        using var response = await Server.SendAsync(ChatUser.Request(HttpMethod.Post, Server.Api("auth/dev-token"), new { userId, displayName = "Alice" }));

        var body = await Expect.StatusAsync(response, HttpStatusCode.OK);
        var token = body.Text("accessToken");
        Assert.True(DateTimeOffset.Parse(body.Text("expiresAt"), CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow);
        using var request = ChatUser.Request(HttpMethod.Get, Server.Api("me/chats"), null);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var chats = await Server.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, chats.StatusCode);
        await using var socket = await Server.ConnectAsync(token);
        Assert.Equal(userId, socket.Welcome.Text("userId"));
    }

    [Fact]
    public async Task A_dev_token_for_an_invalid_user_id_answers_400()
    {
        using var response = await Server.SendAsync(ChatUser.Request(HttpMethod.Post, Server.Api("auth/dev-token"), new { userId = "no spaces allowed", displayName = "Nope" }));

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "bad_request");
    }
}
