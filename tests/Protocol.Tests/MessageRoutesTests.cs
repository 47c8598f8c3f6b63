using System.Net;

namespace OrleansChat.ProtocolTests;

[Collection(SharedServer.Name)]
public sealed class MessageRoutesTests(ChatServerFixture fixture)
{
    private ChatServer Server => fixture.Server;

    [Fact]
    public async Task Posting_a_message_answers_201_with_the_ack_fields()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();

        using var response = await alice.PostAsync($"chats/{chatId}/messages", new { clientMsgId = "k1", content = "hello" });

        var ack = await Expect.StatusAsync(response, HttpStatusCode.Created);
        Assert.Equal(chatId, ack.Text("chatId"));
        Assert.Equal("k1", ack.Text("clientMsgId"));
        Expect.UuidV7(ack.Text("messageId"));
        Assert.Equal(1, ack.Number("seq"));
        Expect.IsoUtcMillis(ack.Text("sentAt"));
    }

    [Fact]
    public async Task Posting_the_same_client_message_id_again_answers_201_with_the_identical_body()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();
        using var first = await alice.PostAsync($"chats/{chatId}/messages", new { clientMsgId = "k1", content = "hello" });

        using var second = await alice.PostAsync($"chats/{chatId}/messages", new { clientMsgId = "k1", content = "hello" });

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(await first.ReadTextAsync(), await second.ReadTextAsync());
        Assert.Single((await alice.GetMessagesAsync(chatId)).Items("messages"));
    }

    [Fact]
    public async Task A_message_posted_over_rest_reaches_the_connected_devices_of_every_member()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        await using var aliceSocket = await alice.ConnectAsync();
        await using var bobSocket = await bob.ConnectAsync();

        var ack = await alice.PostMessageAsync(chatId, "over rest", "k-rest");

        foreach (var socket in new[] { aliceSocket, bobSocket })
        {
            var message = await socket.ReceiveAsync("message", chatId);
            Assert.Equal(ack.Text("messageId"), message.Text("messageId"));
            Assert.Equal("k-rest", message.Text("clientMsgId"));
        }
    }

    [Fact]
    public async Task Content_over_4000_characters_answers_413_too_large()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();

        using var response = await alice.PostAsync($"chats/{chatId}/messages", new { clientMsgId = "k1", content = new string('x', 4001) });

        await Expect.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "too_large");
    }

    [Theory]
    [InlineData("""{"clientMsgId":"k1","content":""}""")]
    [InlineData("""{"clientMsgId":"k1"}""")]
    [InlineData("""{"content":"no id"}""")]
    [InlineData("""{"clientMsgId":"","content":"empty id"}""")]
    [InlineData("""{"clientMsgId":"k1","content":"truncated""")]
    public async Task A_malformed_message_body_answers_400_bad_request(string body)
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();

        using var response = await alice.PostAsync($"chats/{chatId}/messages", body);

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "bad_request");
    }

    [Fact]
    public async Task Messages_of_an_empty_chat_are_an_empty_list_without_more()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();

        var page = await alice.GetMessagesAsync(chatId);

        Assert.Empty(page.Items("messages"));
        Assert.False(page.Flag("hasMore"));
    }

    [Fact]
    public async Task Messages_carry_every_message_field()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();
        var ack = await alice.PostMessageAsync(chatId, "hello", "k1");

        var message = Assert.Single((await alice.GetMessagesAsync(chatId)).Items("messages"));

        Assert.Equal(chatId, message.Text("chatId"));
        Assert.Equal(1, message.Number("seq"));
        Assert.Equal(ack.Text("messageId"), message.Text("messageId"));
        Assert.Equal(alice.Id, message.Text("senderId"));
        Assert.Equal("hello", message.Text("content"));
        Assert.Equal(ack.Text("sentAt"), message.Text("sentAt"));
        Assert.Equal("k1", message.Text("clientMsgId"));
    }

    [Theory]
    [InlineData("", new long[] { 1, 2, 3, 4, 5 }, false)]
    [InlineData("?limit=2", new long[] { 4, 5 }, true)]
    [InlineData("?beforeSeq=4&limit=2", new long[] { 2, 3 }, true)]
    [InlineData("?beforeSeq=3&limit=5", new long[] { 1, 2 }, false)]
    [InlineData("?afterSeq=1&limit=2", new long[] { 2, 3 }, true)]
    [InlineData("?afterSeq=3&limit=2", new long[] { 4, 5 }, false)]
    [InlineData("?afterSeq=0", new long[] { 1, 2, 3, 4, 5 }, false)]
    [InlineData("?afterSeq=5", new long[] { }, false)]
    [InlineData("?limit=500", new long[] { 1, 2, 3, 4, 5 }, false)]
    public async Task Message_history_pages_in_ascending_seq(string query, long[] expected, bool hasMore)
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();
        for (var i = 1; i <= 5; i++)
        {
            await alice.PostMessageAsync(chatId, $"m{i}");
        }

        var page = await alice.GetMessagesAsync(chatId, query);

        Assert.Equal(expected, page.Items("messages").Select(m => m.Number("seq")));
        Assert.Equal(hasMore, page.Flag("hasMore"));
    }

    [Theory]
    [InlineData("?limit=501")]
    [InlineData("?limit=0")]
    [InlineData("?limit=abc")]
    [InlineData("?afterSeq=abc")]
    [InlineData("?beforeSeq=x1")]
    public async Task Message_history_with_a_bad_query_answers_400(string query)
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();

        using var response = await alice.GetAsync($"chats/{chatId}/messages{query}");

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "bad_request");
    }

    [Fact]
    public async Task Message_history_defaults_to_the_newest_50()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();
        for (var i = 1; i <= 45; i++)
        {
            await alice.PostMessageAsync(chatId, $"m{i}");
        }
        var bob = Server.NewUser("bob");
        await alice.AddMemberAsync(chatId, bob);
        for (var i = 46; i <= 52; i++)
        {
            await bob.PostMessageAsync(chatId, $"m{i}");
        }

        var page = await alice.GetMessagesAsync(chatId);

        Assert.Equal(Enumerable.Range(3, 50).Select(i => (long)i), page.Items("messages").Select(m => m.Number("seq")));
        Assert.True(page.Flag("hasMore"));
    }
}
