using System.Net;

namespace OrleansChat.ProtocolTests;

/// <summary>PROTOCOL.md 8: <c>GET /api/v1/search</c> over real HTTP.</summary>
[Collection(SharedServer.Name)]
public sealed class SearchTests(ChatServerFixture fixture)
{
    private ChatServer Server => fixture.Server;

    [Fact]
    public async Task Search_answers_the_texts_holding_every_word_newest_first_with_exactly_the_fields_of_section_8()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        var first = await alice.PostMessageAsync(chatId, "Quarterly report is ready", "k1");
        await bob.PostMessageAsync(chatId, "the report", "k2");
        var third = await bob.PostMessageAsync(chatId, "REPORTS: quarterly, final!", "k3");

        using var response = await alice.GetAsync("search?q=quarterly%20rep");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(
            $$"""{"results":[{"chatId":"{{chatId}}","seq":3,"messageId":"{{third.Text("messageId")}}","senderId":"{{bob.Id}}","content":"REPORTS: quarterly, final!","sentAt":"{{third.Text("sentAt")}}"},"""
            + $$"""{"chatId":"{{chatId}}","seq":1,"messageId":"{{first.Text("messageId")}}","senderId":"{{alice.Id}}","content":"Quarterly report is ready","sentAt":"{{first.Text("sentAt")}}"}]}""",
            await response.ReadTextAsync());
    }

    [Fact]
    public async Task Search_looks_only_in_the_callers_chats_and_in_the_one_chat_it_names()
    {
        var (alice, bob, carol) = (Server.NewUser("alice"), Server.NewUser("bob"), Server.NewUser("carol"));
        var withBob = await alice.CreateGroupIdAsync(bob);
        var withCarol = await alice.CreateGroupIdAsync(carol);
        var bobsOwn = await bob.CreateGroupIdAsync(carol);
        await alice.PostMessageAsync(withBob, "lunch at noon", "k1");
        await alice.PostMessageAsync(withCarol, "lunch tomorrow", "k1");
        await bob.PostMessageAsync(bobsOwn, "lunch without alice", "k1");

        var everywhere = await Expect.StatusAsync(await alice.GetAsync("search?q=lunch"), HttpStatusCode.OK);
        var inOne = await Expect.StatusAsync(await alice.GetAsync($"search?q=lunch&chatId={ChatUser.Escape(withCarol)}"), HttpStatusCode.OK);

        Assert.Equal([withCarol, withBob], everywhere.Items("results").Select(r => r.Text("chatId")));
        Assert.Equal([withCarol], inOne.Items("results").Select(r => r.Text("chatId")));
    }

    [Fact]
    public async Task Search_in_a_chat_the_caller_is_not_a_member_of_answers_403_forbidden()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var bobsChat = await bob.CreateGroupIdAsync();
        await bob.PostMessageAsync(bobsChat, "private words", "k1");

        using var response = await alice.GetAsync($"search?q=private&chatId={ChatUser.Escape(bobsChat)}");

        await Expect.ProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
    }

    [Theory]
    [InlineData("")]
    [InlineData("q=")]
    [InlineData("q=a&q=b")]
    [InlineData("q=hello&limit=101")]
    [InlineData("q=hello&limit=0")]
    [InlineData("q=hello&limit=ten")]
    [InlineData("q=hello&before=not-a-cursor")]
    public async Task A_malformed_search_answers_400_bad_request(string query)
    {
        var alice = Server.NewUser("alice");
        await alice.CreateGroupIdAsync();

        using var response = await alice.GetAsync($"search?{query}");

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "bad_request");
    }

    [Fact]
    public async Task A_query_over_200_characters_answers_400_and_one_of_200_emoji_is_searched()
    {
        var alice = Server.NewUser("alice");
        await alice.CreateGroupIdAsync();

        using var tooLong = await alice.GetAsync($"search?q={new string('a', 201)}");
        using var emoji = await alice.GetAsync($"search?q={ChatUser.Escape(string.Concat(Enumerable.Repeat("👍", 200)))}");

        await Expect.ProblemAsync(tooLong, HttpStatusCode.BadRequest, "bad_request");
        Assert.Equal(HttpStatusCode.OK, emoji.StatusCode);
        Assert.Equal("""{"results":[]}""", await emoji.ReadTextAsync());
    }

    [Theory]
    [InlineData("\"a\" OR 1=1", 1)]
    [InlineData("NEAR(", 0)]
    [InlineData("*", 0)]
    [InlineData("\"", 0)]
    [InlineData("-x", 0)]
    [InlineData("col:x", 0)]
    [InlineData("a' & b | !c:*", 0)]
    public async Task Query_language_operators_are_plain_separators_and_never_fail_the_search(string query, int found)
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();
        await alice.PostMessageAsync(chatId, "a or 1 = 1", "k1");
        await alice.PostMessageAsync(chatId, "unrelated", "k2");

        var answer = await Expect.StatusAsync(await alice.GetAsync($"search?q={ChatUser.Escape(query)}"), HttpStatusCode.OK);

        Assert.Equal(found, answer.Items("results").Length);
    }

    [Fact]
    public async Task Search_pages_through_results_with_next_which_is_absent_on_the_last_page()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();
        for (var i = 1; i <= 3; i++)
        {
            await alice.PostMessageAsync(chatId, $"note {i}", $"k{i}");
        }

        var first = await Expect.StatusAsync(await alice.GetAsync("search?q=note&limit=2"), HttpStatusCode.OK);
        var second = await Expect.StatusAsync(await alice.GetAsync($"search?q=note&limit=2&before={ChatUser.Escape(first.Text("next"))}"), HttpStatusCode.OK);

        Assert.Equal([3L, 2L], first.Items("results").Select(r => r.Number("seq")));
        Assert.Equal([1L], second.Items("results").Select(r => r.Number("seq")));
        Assert.False(second.TryGetProperty("next", out _));
    }

    [Fact]
    public async Task Search_finds_an_edited_text_by_its_current_content_and_never_a_deleted_one()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();
        await alice.PostMessageAsync(chatId, "old wording", "k1");
        await alice.PostMessageAsync(chatId, "doomed wording", "k2");
        await Expect.StatusAsync(await alice.PostAsync($"chats/{chatId}/messages", new { clientMsgId = "k3", kind = "edit", target = 1, content = "new wording" }), HttpStatusCode.Created);
        await Expect.StatusAsync(await alice.PostAsync($"chats/{chatId}/messages", new { clientMsgId = "k4", kind = "delete", target = 2 }), HttpStatusCode.Created);

        var wording = await Expect.StatusAsync(await alice.GetAsync("search?q=wording"), HttpStatusCode.OK);
        var old = await Expect.StatusAsync(await alice.GetAsync("search?q=old"), HttpStatusCode.OK);

        Assert.Equal([(1L, "new wording")], wording.Items("results").Select(r => (r.Number("seq"), r.Text("content"))));
        Assert.Empty(old.Items("results"));
    }
}
