using System.Net;
using System.Net.Http.Headers;

namespace OrleansChat.ProtocolTests;

[Collection(SharedServer.Name)]
public sealed class RestAuthorizationTests(ChatServerFixture fixture)
{
    private ChatServer Server => fixture.Server;

    public static TheoryData<string, string, string?> EveryRoute => new()
    {
        { "GET", "me/chats", null },
        { "POST", "chats", """{"title":"t","members":[]}""" },
        { "POST", "chats/direct", """{"userId":"bob"}""" },
        { "GET", "chats/{chat}", null },
        { "POST", "chats/{chat}/members", """{"userId":"dave"}""" },
        { "DELETE", "chats/{chat}/members/{member}", null },
        { "GET", "chats/{chat}/messages", null },
        { "POST", "chats/{chat}/messages", """{"clientMsgId":"k1","content":"hi"}""" },
        { "POST", "devices", """{"platform":"fcm","token":"t"}""" },
        { "DELETE", "devices/some-device", null },
        { "PUT", "chats/{chat}/settings", """{"muted":true}""" },
        { "GET", "me/blocks", null },
        { "PUT", "me/blocks/{member}", null },
        { "DELETE", "me/blocks/{member}", null },
    };

    public static TheoryData<string, string, string?> EveryChatRoute => new()
    {
        { "GET", "chats/{chat}", null },
        { "POST", "chats/{chat}/members", """{"userId":"dave"}""" },
        { "DELETE", "chats/{chat}/members/{member}", null },
        { "GET", "chats/{chat}/messages", null },
        { "POST", "chats/{chat}/messages", """{"clientMsgId":"k1","content":"hi"}""" },
        { "PUT", "chats/{chat}/settings", """{"muted":true}""" },
    };

    [Theory]
    [MemberData(nameof(EveryRoute))]
    public async Task Every_route_answers_401_without_a_token(string method, string route, string? body)
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        using var request = ChatUser.Request(new HttpMethod(method), Server.Api(Fill(route, chatId, bob.Id)), body);

        using var response = await Server.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("expired")]
    [InlineData("signed with another key")]
    [InlineData("malformed")]
    public async Task A_bad_token_answers_401_with_problem_details(string problem)
    {
        var token = problem switch
        {
            "expired" => Server.Tokens.Expired("alice"),
            "signed with another key" => Tokens.SignedWithAnotherKey("alice"),
            _ => "not-a-jwt",
        };
        using var request = ChatUser.Request(HttpMethod.Get, Server.Api("me/chats"), null);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using var response = await Server.SendAsync(request);

        await Expect.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task A_missing_token_answers_401_with_problem_details()
    {
        using var response = await Server.SendAsync(ChatUser.Request(HttpMethod.Get, Server.Api("me/chats"), null));

        await Expect.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Theory]
    [MemberData(nameof(EveryChatRoute))]
    public async Task Every_chat_route_answers_403_to_a_non_member(string method, string route, string? body)
    {
        var (alice, bob, mallory) = (Server.NewUser("alice"), Server.NewUser("bob"), Server.NewUser("mallory"));
        var chatId = await alice.CreateGroupIdAsync(bob);

        using var response = await mallory.SendAsync(new HttpMethod(method), Fill(route, chatId, bob.Id), body);

        await Expect.ProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
    }

    [Theory]
    [MemberData(nameof(EveryChatRoute))]
    public async Task Every_chat_route_answers_404_for_an_unknown_chat(string method, string route, string? body)
    {
        var alice = Server.NewUser("alice");

        using var response = await alice.SendAsync(new HttpMethod(method), Fill(route, $"nosuchchat-{Guid.NewGuid():N}", alice.Id), body);

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "not_found");
    }

    [Theory]
    [InlineData("chats", "{\"title\":")]
    [InlineData("chats", "not json at all")]
    [InlineData("chats/direct", "{\"userId\":42}")]
    [InlineData("devices", "[]")]
    public async Task Bad_json_answers_400_bad_request(string route, string body)
    {
        using var response = await Server.NewUser("alice").PostAsync(route, body);

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "bad_request");
    }

    [Fact]
    public async Task An_oversize_body_answers_413_too_large()
    {
        var body = $$"""{"title":"t","members":[],"padding":"{{new string('x', 1024 * 1024)}}"}""";

        using var response = await Server.NewUser("alice").PostAsync("chats", body);

        await Expect.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "too_large");
    }

    private static string Fill(string route, string chatId, string memberId) =>
        route.Replace("{chat}", ChatUser.Escape(chatId), StringComparison.Ordinal)
            .Replace("{member}", ChatUser.Escape(memberId), StringComparison.Ordinal);
}
