using System.Net;
using System.Text.Json;

namespace OrleansChat.ProtocolTests;

/// <summary>PROTOCOL.md 10: typing, read, delivered and sync over REST, for a client on the event stream.</summary>
[Collection(SharedServer.Name)]
public sealed class RestActionTests(ChatServerFixture fixture)
{
    private ChatServer Server => fixture.Server;

    [Fact]
    public async Task Typing_over_rest_reaches_a_websocket_member_as_the_typing_frame_does()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        await using var bobSocket = await bob.ConnectAsync();

        using var response = await alice.PostAsync($"chats/{chatId}/typing", new { state = "start" });

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var typing = await bobSocket.ReceiveAsync("typing", chatId);
        Assert.Equal((alice.Id, "start"), (typing.Text("userId"), typing.Text("state")));
    }

    [Fact]
    public async Task Read_over_rest_sends_members_the_readers_receipt()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        await using var aliceSocket = await alice.ConnectAsync();
        await alice.PostMessageAsync(chatId, "one");
        await alice.PostMessageAsync(chatId, "two");

        using var response = await bob.PostAsync($"chats/{chatId}/read", new { seq = 2 });

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var receipt = await aliceSocket.ReceiveAsync("receipt", chatId, r => r.Text("userId") == bob.Id);
        Assert.Equal((2, 2), (receipt.Number("readSeq"), receipt.Number("deliveredSeq")));
    }

    [Fact]
    public async Task Delivered_over_rest_sends_members_the_receivers_receipt()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        await using var aliceSocket = await alice.ConnectAsync();
        await alice.PostMessageAsync(chatId, "one");

        using var response = await bob.PostAsync($"chats/{chatId}/delivered", new { seq = 1 });

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var receipt = await aliceSocket.ReceiveAsync("receipt", chatId, r => r.Text("userId") == bob.Id);
        Assert.Equal((0, 1), (receipt.Number("readSeq"), receipt.Number("deliveredSeq")));
    }

    [Fact]
    public async Task Sync_over_rest_answers_each_chat_as_history_items_with_last_seq_and_has_more_and_forbidden_for_a_chat_not_joined()
    {
        var (alice, bob, carol) = (Server.NewUser("alice"), Server.NewUser("bob"), Server.NewUser("carol"));
        var shared = await alice.CreateGroupIdAsync(bob);
        var notBobs = await alice.CreateGroupIdAsync(carol);
        for (var i = 1; i <= 3; i++)
        {
            await alice.PostMessageAsync(shared, $"m{i}", $"k{i}");
        }

        using var response = await bob.PostAsync("sync", new { chats = new object[] { new { chatId = shared, afterSeq = 1 }, new { chatId = notBobs, afterSeq = 0 } }, limit = 1 });

        var chats = (await Expect.StatusAsync(response, HttpStatusCode.OK)).Items("chats");
        Assert.Equal(2, chats.Length);
        Assert.Equal(["chatId", "messages", "lastSeq", "hasMore"], chats[0].EnumerateObject().Select(p => p.Name));
        var message = Assert.Single(chats[0].Items("messages"));
        var history = Assert.Single((await bob.GetMessagesAsync(shared, "?afterSeq=1&limit=1")).Items("messages"));
        Assert.Equal(history.GetRawText(), message.GetRawText());
        Assert.Equal((3, true), (chats[0].Number("lastSeq"), chats[0].Flag("hasMore")));
        Assert.Equal($$"""{"chatId":"{{notBobs}}","error":"forbidden"}""", chats[1].GetRawText());
    }

    [Fact]
    public async Task Sync_over_rest_answers_an_unknown_chat_with_not_found_in_its_place()
    {
        var bob = Server.NewUser("bob");
        var unknown = $"g:{Guid.NewGuid():N}";

        using var response = await bob.PostAsync("sync", new { chats = new[] { new { chatId = unknown, afterSeq = 0 } } });

        var chat = Assert.Single((await Expect.StatusAsync(response, HttpStatusCode.OK)).Items("chats"));
        Assert.Equal($$"""{"chatId":"{{unknown}}","error":"not_found"}""", chat.GetRawText());
    }

    public static TheoryData<string, string, HttpStatusCode, string> BadActions => new()
    {
        { "typing", """{"state":"maybe"}""", HttpStatusCode.BadRequest, "bad_request" },
        { "typing", """{"state":1}""", HttpStatusCode.BadRequest, "bad_request" },
        { "typing", "{}", HttpStatusCode.BadRequest, "bad_request" },
        { "read", """{"seq":"1"}""", HttpStatusCode.BadRequest, "bad_request" },
        { "read", """{"seq":-1}""", HttpStatusCode.BadRequest, "bad_request" },
        { "read", """{"seq":1.5}""", HttpStatusCode.BadRequest, "bad_request" },
        { "read", """{"seq":99}""", HttpStatusCode.BadRequest, "bad_request" },
        { "read", "[1]", HttpStatusCode.BadRequest, "bad_request" },
        { "delivered", "{}", HttpStatusCode.BadRequest, "bad_request" },
        { "delivered", """{"seq":99}""", HttpStatusCode.BadRequest, "bad_request" },
        { "delivered", "seq=1", HttpStatusCode.BadRequest, "bad_request" },
    };

    [Theory]
    [MemberData(nameof(BadActions))]
    public async Task A_bad_action_is_answered_as_problem_details_and_changes_no_receipt(string action, string body, HttpStatusCode status, string code)
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        await alice.PostMessageAsync(chatId, "one");
        await using var aliceSocket = await alice.ConnectAsync();

        using var response = await bob.PostAsync($"chats/{chatId}/{action}", body);

        await Expect.ProblemAsync(response, status, code);
        var receipts = (await alice.GetChatAsync(chatId)).Items("receipts").Single(r => r.Text("userId") == bob.Id);
        Assert.Equal((0, 0), (receipts.Number("readSeq"), receipts.Number("deliveredSeq")));
        await aliceSocket.AssertNothingAsync(f => f.Is("receipt") || f.Is("typing"), "receipt or typing after a refused action");
    }

    [Theory]
    [InlineData("typing", """{"state":"start"}""")]
    [InlineData("read", """{"seq":0}""")]
    [InlineData("delivered", """{"seq":0}""")]
    public async Task An_action_in_a_chat_the_caller_is_not_in_gets_403_and_one_in_an_unknown_chat_404(string action, string body)
    {
        var (alice, bob, mallory) = (Server.NewUser("alice"), Server.NewUser("bob"), Server.NewUser("mallory"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        await using var aliceSocket = await alice.ConnectAsync();

        using var notMember = await mallory.PostAsync($"chats/{chatId}/{action}", body);
        using var unknown = await mallory.PostAsync($"chats/g:{Guid.NewGuid():N}/{action}", body);

        await Expect.ProblemAsync(notMember, HttpStatusCode.Forbidden, "forbidden");
        await Expect.ProblemAsync(unknown, HttpStatusCode.NotFound, "not_found");
        await aliceSocket.AssertNothingAsync(f => f.Is("receipt") || f.Is("typing"), "receipt or typing from a non-member");
    }

    [Theory]
    [InlineData("""{"chats":[{"chatId":"c1","afterSeq":0}],"limit":0}""")]
    [InlineData("""{"chats":[{"chatId":"c1","afterSeq":0}],"limit":501}""")]
    [InlineData("""{"chats":[{"chatId":"c1","afterSeq":0,"limit":501}]}""")]
    [InlineData("""{"chats":[{"chatId":"c1","afterSeq":0},{"chatId":"c1","afterSeq":3}]}""")]
    [InlineData("""{"chats":[{"chatId":"c1","afterSeq":-1}]}""")]
    [InlineData("""{"chats":[{"chatId":"c1","afterSeq":"0"}]}""")]
    [InlineData("""{"chats":[{"chatId":"no spaces","afterSeq":0}]}""")]
    [InlineData("""{"chats":[{"afterSeq":0}]}""")]
    [InlineData("""{"chats":["c1"]}""")]
    [InlineData("""{"chats":{"chatId":"c1"}}""")]
    [InlineData("{}")]
    public async Task A_bad_sync_request_gets_400_bad_request(string body)
    {
        using var response = await Server.NewUser("bob").PostAsync("sync", body);

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "bad_request");
    }

    [Fact]
    public async Task A_sync_without_a_token_gets_401_and_one_that_is_not_json_415()
    {
        using var anonymous = await Server.SendAsync(ChatUser.Request(HttpMethod.Post, Server.Api("sync"), """{"chats":[]}"""));
        using var request = new HttpRequestMessage(HttpMethod.Post, Server.Api("sync")) { Content = new StringContent("chats=c1") };
        request.Headers.Authorization = new("Bearer", Server.NewUser("bob").Token);
        using var notJson = await Server.SendAsync(request);

        await Expect.ProblemAsync(anonymous, HttpStatusCode.Unauthorized, "unauthorized");
        await Expect.ProblemAsync(notJson, HttpStatusCode.UnsupportedMediaType, "bad_request");
        Assert.Equal(JsonValueKind.Object, (await notJson.ReadJsonAsync()).ValueKind);
    }
}
