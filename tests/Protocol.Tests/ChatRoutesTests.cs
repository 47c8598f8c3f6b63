using System.Globalization;
using System.Net;

namespace OrleansChat.ProtocolTests;

[Collection(SharedServer.Name)]
public sealed class ChatRoutesTests(ChatServerFixture fixture)
{
    private ChatServer Server => fixture.Server;

    [Fact]
    public async Task Creating_a_group_answers_201_with_the_chat_owned_by_the_caller()
    {
        var (alice, bob, carol) = (Server.NewUser("alice"), Server.NewUser("bob"), Server.NewUser("carol"));

        using var response = await alice.PostAsync("chats", new { title = "Team", members = new[] { bob.Id, carol.Id } });

        var chat = await Expect.StatusAsync(response, HttpStatusCode.Created);
        Expect.ChatId(chat.Text("chatId"));
        Assert.Equal("group", chat.Text("type"));
        Assert.Equal("Team", chat.Text("title"));
        Assert.Equal(alice.Id, chat.Text("ownerId"));
        Assert.Equal(new[] { alice.Id, bob.Id, carol.Id }.Order(StringComparer.Ordinal), chat.Members());
        Expect.IsoUtcMillis(chat.Text("createdAt"));
        Assert.Equal(0, chat.Number("lastSeq"));
    }

    [Fact]
    public async Task Each_group_gets_its_own_chat_id()
    {
        var alice = Server.NewUser("alice");

        var first = await alice.CreateGroupIdAsync();
        var second = await alice.CreateGroupIdAsync();

        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task Creating_a_group_with_an_invalid_member_id_answers_400()
    {
        using var response = await Server.NewUser("alice").PostAsync("chats", new { title = "Team", members = new[] { "not a valid id!" } });

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "bad_request");
    }

    [Fact]
    public async Task Opening_a_direct_chat_answers_201_with_a_chat_without_title_or_owner()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));

        using var response = await alice.PostAsync("chats/direct", new { userId = bob.Id });

        var chat = await Expect.StatusAsync(response, HttpStatusCode.Created);
        Expect.ChatId(chat.Text("chatId"));
        Assert.Equal("direct", chat.Text("type"));
        Assert.True(chat.IsNull("title"), $"got {chat}");
        Assert.True(chat.IsNull("ownerId"), $"got {chat}");
        Assert.Equal(new[] { alice.Id, bob.Id }.Order(StringComparer.Ordinal), chat.Members());
        Expect.IsoUtcMillis(chat.Text("createdAt"));
        Assert.Equal(0, chat.Number("lastSeq"));
    }

    [Fact]
    public async Task Opening_the_direct_chat_again_from_either_side_answers_200_with_the_same_chat()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = (await alice.OpenDirectChatAsync(bob)).Text("chatId");

        using var fromBob = await bob.PostAsync("chats/direct", new { userId = alice.Id });
        using var fromAlice = await alice.PostAsync("chats/direct", new { userId = bob.Id });

        Assert.Equal(chatId, (await Expect.StatusAsync(fromBob, HttpStatusCode.OK)).Text("chatId"));
        Assert.Equal(chatId, (await Expect.StatusAsync(fromAlice, HttpStatusCode.OK)).Text("chatId"));
    }

    [Fact]
    public async Task A_direct_chat_with_yourself_answers_400()
    {
        var alice = Server.NewUser("alice");

        using var response = await alice.PostAsync("chats/direct", new { userId = alice.Id });

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "bad_request");
    }

    [Fact]
    public async Task A_direct_chat_with_an_invalid_user_id_answers_400()
    {
        using var response = await Server.NewUser("alice").PostAsync("chats/direct", new { userId = new string('a', 65) });

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "bad_request");
    }

    [Fact]
    public async Task Getting_a_chat_answers_it_with_its_members()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var created = await alice.CreateGroupAsync("Team", bob);

        var chat = await bob.GetChatAsync(created.Text("chatId"));

        Assert.Equal(created.Text("chatId"), chat.Text("chatId"));
        Assert.Equal("Team", chat.Text("title"));
        Assert.Equal(alice.Id, chat.Text("ownerId"));
        Assert.Equal(created.Members(), chat.Members());
        Assert.Equal(created.Text("createdAt"), chat.Text("createdAt"));
    }

    [Fact]
    public async Task My_chats_is_empty_for_a_new_user()
    {
        using var response = await Server.NewUser("newcomer").GetAsync("me/chats");

        var body = await Expect.StatusAsync(response, HttpStatusCode.OK);
        Assert.Empty(body.Items("chats"));
    }

    [Fact]
    public async Task My_chats_lists_every_chat_with_type_title_members_last_seq_and_read_seq()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var group = await alice.CreateGroupIdAsync(bob);
        var direct = (await bob.OpenDirectChatAsync(alice)).Text("chatId");
        await alice.PostMessageAsync(group, "one");
        await alice.PostMessageAsync(group, "two");

        using var response = await bob.GetAsync("me/chats");

        var chats = (await Expect.StatusAsync(response, HttpStatusCode.OK)).Items("chats").ToDictionary(c => c.Text("chatId"));
        Assert.Equal(2, chats.Count);
        Assert.Equal("group", chats[group].Text("type"));
        Assert.Equal("Team", chats[group].Text("title"));
        Assert.Equal(new[] { alice.Id, bob.Id }.Order(StringComparer.Ordinal), chats[group].Members());
        Assert.Equal(2, chats[group].Number("lastSeq"));
        Assert.Equal(0, chats[group].Number("readSeq"));
        Assert.Equal("direct", chats[direct].Text("type"));
        Assert.True(chats[direct].IsNull("title"));
        Assert.Equal(0, chats[direct].Number("lastSeq"));
    }

    [Fact]
    public async Task A_member_may_add_to_a_group_and_gets_200_with_the_chat()
    {
        var (alice, bob, dave) = (Server.NewUser("alice"), Server.NewUser("bob"), Server.NewUser("dave"));
        var chatId = await alice.CreateGroupIdAsync(bob);

        using var response = await bob.PostAsync($"chats/{chatId}/members", new { userId = dave.Id });

        var chat = await Expect.StatusAsync(response, HttpStatusCode.OK);
        Assert.Equal(new[] { alice.Id, bob.Id, dave.Id }.Order(StringComparer.Ordinal), chat.Members());
        Assert.Contains(dave.Id, (await dave.GetChatAsync(chatId)).Members());
    }

    [Fact]
    public async Task Adding_to_a_direct_chat_answers_403()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = (await alice.OpenDirectChatAsync(bob)).Text("chatId");

        using var response = await alice.PostAsync($"chats/{ChatUser.Escape(chatId)}/members", new { userId = Server.NewUser("carol").Id });

        await Expect.ProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Adding_a_member_with_an_invalid_user_id_answers_400()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();

        using var response = await alice.PostAsync($"chats/{chatId}/members", new { userId = "spaces are not allowed" });

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "bad_request");
    }

    [Fact]
    public async Task A_member_may_remove_themselves_and_gets_204()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);

        using var response = await bob.DeleteAsync($"chats/{chatId}/members/{bob.Id}");

        await Expect.StatusAsync(response, HttpStatusCode.NoContent);
        Assert.Equal([alice.Id], (await alice.GetChatAsync(chatId)).Members());
    }

    [Fact]
    public async Task The_owner_may_remove_anyone_and_gets_204()
    {
        var (alice, bob, carol) = (Server.NewUser("alice"), Server.NewUser("bob"), Server.NewUser("carol"));
        var chatId = await alice.CreateGroupIdAsync(bob, carol);

        using var response = await alice.DeleteAsync($"chats/{chatId}/members/{carol.Id}");

        await Expect.StatusAsync(response, HttpStatusCode.NoContent);
        Assert.DoesNotContain(carol.Id, (await alice.GetChatAsync(chatId)).Members());
    }

    [Fact]
    public async Task A_member_who_is_not_the_owner_may_not_remove_someone_else()
    {
        var (alice, bob, carol) = (Server.NewUser("alice"), Server.NewUser("bob"), Server.NewUser("carol"));
        var chatId = await alice.CreateGroupIdAsync(bob, carol);

        using var response = await bob.DeleteAsync($"chats/{chatId}/members/{carol.Id}");

        await Expect.ProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
        Assert.Contains(carol.Id, (await alice.GetChatAsync(chatId)).Members());
    }

    [Fact]
    public async Task Removing_from_a_direct_chat_answers_403()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = (await alice.OpenDirectChatAsync(bob)).Text("chatId");

        using var response = await alice.DeleteAsync($"chats/{ChatUser.Escape(chatId)}/members/{bob.Id}");

        await Expect.ProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task When_the_owner_leaves_the_longest_standing_member_becomes_owner()
    {
        var (alice, bob, carol) = (Server.NewUser("alice"), Server.NewUser("bob"), Server.NewUser("carol"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        await alice.AddMemberAsync(chatId, carol);

        await alice.RemoveMemberAsync(chatId, alice);

        Assert.Equal(bob.Id, (await carol.GetChatAsync(chatId)).Text("ownerId"));
    }

    [Fact]
    public async Task A_removed_member_gets_403_for_the_chat()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        await alice.RemoveMemberAsync(chatId, bob);

        using var response = await bob.GetAsync($"chats/{chatId}");

        await Expect.ProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task A_removed_member_no_longer_lists_the_chat()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        await alice.RemoveMemberAsync(chatId, bob);

        using var response = await bob.GetAsync("me/chats");

        var body = await Expect.StatusAsync(response, HttpStatusCode.OK);
        Assert.DoesNotContain(body.Items("chats"), c => c.Text("chatId") == chatId);
    }

    [Fact]
    public async Task A_created_at_is_a_time_near_now()
    {
        var chat = await Server.NewUser("alice").CreateGroupAsync("Team");

        var createdAt = DateTimeOffset.Parse(chat.Text("createdAt"), CultureInfo.InvariantCulture);

        Assert.InRange(createdAt, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
    }
}
