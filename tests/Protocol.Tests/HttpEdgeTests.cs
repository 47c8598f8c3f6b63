using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace OrleansChat.ProtocolTests;

/// <summary>PROTOCOL.md 2 and 4 at the HTTP level: one token per request, 401's challenge, routing's answers, media types.</summary>
[Collection(SharedServer.Name)]
public sealed class HttpEdgeTests(ChatServerFixture fixture)
{
    private ChatServer Server => fixture.Server;

    [Fact]
    public async Task A_rest_call_with_a_header_token_and_a_query_token_answers_400()
    {
        var alice = Server.NewUser("alice");
        using var request = ChatUser.Request(HttpMethod.Get, Server.Api("me/chats?access_token=" + Uri.EscapeDataString(alice.Token)), null);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", alice.Token);

        using var response = await Server.SendAsync(request);

        var problem = await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "bad_request");
        Assert.Matches("^[0-9a-f]{32}$", problem.Text("traceId"));
    }

    [Fact]
    public async Task A_handshake_with_a_header_token_and_a_query_token_is_refused_with_400()
    {
        var alice = Server.NewUser("alice");
        var uri = new UriBuilder(Server.WebSocketUri) { Query = "access_token=" + Uri.EscapeDataString(alice.Token) }.Uri;

        Assert.Equal(HttpStatusCode.BadRequest, await ChatSocket.HandshakeStatusAsync(uri, alice.Token));
    }

    [Fact]
    public async Task A_garbage_header_beside_a_valid_query_token_does_not_let_the_query_token_win()
    {
        var alice = Server.NewUser("alice");
        var uri = new UriBuilder(Server.WebSocketUri) { Query = "access_token=" + Uri.EscapeDataString(alice.Token) }.Uri;

        Assert.Equal(HttpStatusCode.BadRequest, await ChatSocket.HandshakeStatusAsync(uri, "garbage"));
    }

    [Fact]
    public async Task A_query_token_on_a_rest_call_is_not_read()
    {
        var alice = Server.NewUser("alice");

        using var response = await Server.SendAsync(ChatUser.Request(
            HttpMethod.Get, Server.Api("me/chats?access_token=" + Uri.EscapeDataString(alice.Token)), null));

        await Expect.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task A_request_without_a_token_is_challenged_with_www_authenticate_bearer()
    {
        using var response = await Server.SendAsync(ChatUser.Request(HttpMethod.Get, Server.Api("me/chats"), null));

        await Expect.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).ToString());
    }

    [Fact]
    public async Task A_bad_token_is_challenged_with_invalid_token()
    {
        var alice = Server.NewUser("alice");

        using var response = await alice.SendAsync(HttpMethod.Get, "me/chats", token: Server.Tokens.Expired(alice.Id));

        await Expect.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Equal("error=\"invalid_token\"", challenge.Parameter);
    }

    [Fact]
    public async Task A_handshake_without_a_token_is_challenged_with_www_authenticate_bearer()
    {
        using var response = await Server.GetAsync("/ws");

        await Expect.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).ToString());
    }

    [Fact]
    public async Task A_path_under_the_api_that_does_not_exist_answers_404_problem_details_with_a_trace_id()
    {
        var alice = Server.NewUser("alice");

        using var response = await alice.GetAsync("no-such-route");

        var problem = await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "not_found");
        Assert.Matches("^[0-9a-f]{32}$", problem.Text("traceId"));
    }

    [Fact]
    public async Task A_method_a_route_does_not_have_answers_405_problem_details_with_a_trace_id()
    {
        var alice = Server.NewUser("alice");

        using var response = await alice.SendAsync(HttpMethod.Put, "me/chats", new { });

        var problem = await Expect.ProblemAsync(response, HttpStatusCode.MethodNotAllowed, "bad_request");
        Assert.Matches("^[0-9a-f]{32}$", problem.Text("traceId"));
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData(null)]
    public async Task A_json_body_that_is_not_sent_as_json_answers_415(string? mediaType)
    {
        var alice = Server.NewUser("alice");
        using var request = new HttpRequestMessage(HttpMethod.Post, Server.Api("chats"))
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes("""{"title":"t","members":[]}""")),
        };
        if (mediaType is not null)
        {
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        }
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", alice.Token);

        using var response = await Server.SendAsync(request);

        var problem = await Expect.ProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "bad_request");
        Assert.Matches("^[0-9a-f]{32}$", problem.Text("traceId"));
    }

    [Fact]
    public async Task A_forbidden_answer_carries_a_trace_id()
    {
        var (alice, bob, mallory) = (Server.NewUser("alice"), Server.NewUser("bob"), Server.NewUser("mallory"));
        var chatId = await alice.CreateGroupIdAsync(bob);

        using var response = await mallory.GetAsync($"chats/{ChatUser.Escape(chatId)}");

        var problem = await Expect.ProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
        Assert.Matches("^[0-9a-f]{32}$", problem.Text("traceId"));
    }
}
