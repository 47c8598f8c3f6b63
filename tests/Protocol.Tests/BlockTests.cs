using System.Net;

namespace OrleansChat.ProtocolTests;

/// <summary>PROTOCOL.md 6.5: <c>/me/blocks</c>, and what a block refuses the blocked user.</summary>
[Collection(SharedServer.Name)]
public sealed class BlockTests(ChatServerFixture fixture)
{
    private ChatServer Server => fixture.Server;

    [Fact]
    public async Task Blocking_answers_204_and_the_block_list_names_the_user()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));

        using var response = await alice.BlockAsync(bob);

        await Expect.StatusAsync(response, HttpStatusCode.NoContent);
        Assert.Equal($$"""{"userIds":["{{bob.Id}}"]}""", await alice.BlockListTextAsync());
    }

    [Fact]
    public async Task The_block_list_keeps_the_order_of_blocking_and_names_each_user_once()
    {
        var (alice, bob, carol) = (Server.NewUser("alice"), Server.NewUser("bob"), Server.NewUser("carol"));

        (await alice.BlockAsync(carol)).Dispose();
        (await alice.BlockAsync(bob)).Dispose();
        (await alice.BlockAsync(carol)).Dispose();

        Assert.Equal($$"""{"userIds":["{{carol.Id}}","{{bob.Id}}"]}""", await alice.BlockListTextAsync());
    }

    [Fact]
    public async Task Unblocking_answers_204_and_empties_the_list_and_again_changes_nothing()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        (await alice.BlockAsync(bob)).Dispose();

        using var first = await alice.DeleteAsync($"me/blocks/{ChatUser.Escape(bob.Id)}");
        using var second = await alice.DeleteAsync($"me/blocks/{ChatUser.Escape(bob.Id)}");

        await Expect.StatusAsync(first, HttpStatusCode.NoContent);
        await Expect.StatusAsync(second, HttpStatusCode.NoContent);
        Assert.Equal("""{"userIds":[]}""", await alice.BlockListTextAsync());
    }

    [Fact]
    public async Task Blocking_yourself_gets_400_bad_request()
    {
        var alice = Server.NewUser("alice");

        using var response = await alice.BlockAsync(alice);

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "bad_request");
        Assert.Equal("""{"userIds":[]}""", await alice.BlockListTextAsync());
    }

    [Fact]
    public async Task Blocking_an_id_that_is_not_a_user_id_gets_400_bad_request()
    {
        var alice = Server.NewUser("alice");

        using var response = await alice.SendAsync(HttpMethod.Put, "me/blocks/not%20a%20user");

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "bad_request");
    }

    [Fact]
    public async Task Blocking_a_user_id_that_never_connected_is_allowed()
    {
        var alice = Server.NewUser("alice");
        var stranger = Server.NewUser("stranger");

        using var response = await alice.BlockAsync(stranger);

        await Expect.StatusAsync(response, HttpStatusCode.NoContent);
        Assert.Equal($$"""{"userIds":["{{stranger.Id}}"]}""", await alice.BlockListTextAsync());
    }

    [Fact]
    public async Task A_blocked_user_sending_to_the_direct_chat_gets_forbidden_and_nothing_is_stored()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = (await alice.OpenDirectChatAsync(bob)).Text("chatId");
        (await alice.BlockAsync(bob)).Dispose();
        await using var bobSocket = await bob.ConnectAsync();

        await bobSocket.SendAsync(new { type = "send", @ref = "r1", chatId, clientMsgId = "k1", content = "hello?" });

        Expect.Error(await bobSocket.ReceiveAsync("error"), "forbidden", "r1");
        await bobSocket.AssertNothingAsync(f => f.Is("message"), "message");
        Assert.Empty((await alice.GetMessagesAsync(chatId)).Items("messages"));
    }

    [Fact]
    public async Task A_blocked_user_posting_to_the_direct_chat_gets_403_forbidden()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = (await alice.OpenDirectChatAsync(bob)).Text("chatId");
        (await alice.BlockAsync(bob)).Dispose();

        using var response = await bob.PostAsync($"chats/{ChatUser.Escape(chatId)}/messages", new { clientMsgId = "k1", content = "hello?" });

        await Expect.ProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task The_blocker_still_sends_to_the_direct_chat_and_the_blocked_user_receives_it()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = (await alice.OpenDirectChatAsync(bob)).Text("chatId");
        (await alice.BlockAsync(bob)).Dispose();
        await using var bobSocket = await bob.ConnectAsync();

        var ack = await alice.PostMessageAsync(chatId, "one last word");

        Assert.Equal(ack.Number("seq"), (await bobSocket.ReceiveAsync("message", chatId)).Number("seq"));
    }

    [Fact]
    public async Task After_unblocking_the_user_sends_to_the_direct_chat_again()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = (await alice.OpenDirectChatAsync(bob)).Text("chatId");
        (await alice.BlockAsync(bob)).Dispose();

        (await alice.DeleteAsync($"me/blocks/{ChatUser.Escape(bob.Id)}")).Dispose();

        Assert.Equal(1, (await bob.PostMessageAsync(chatId, "hello again")).Number("seq"));
    }

    [Fact]
    public async Task A_blocked_user_opening_a_direct_chat_with_the_blocker_gets_403_and_no_chat_is_made()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        (await alice.BlockAsync(bob)).Dispose();

        using var response = await bob.PostAsync("chats/direct", new { userId = alice.Id });

        await Expect.ProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
        Assert.Empty(await ChatIdsOf(alice));
        Assert.Empty(await ChatIdsOf(bob));
    }

    [Fact]
    public async Task A_blocked_user_opening_an_existing_direct_chat_with_the_blocker_gets_403()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        await bob.OpenDirectChatAsync(alice);
        (await alice.BlockAsync(bob)).Dispose();

        using var response = await bob.PostAsync("chats/direct", new { userId = alice.Id });

        await Expect.ProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task The_blocker_opens_the_direct_chat_with_the_user_they_blocked()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        (await alice.BlockAsync(bob)).Dispose();

        using var response = await alice.PostAsync("chats/direct", new { userId = bob.Id });

        await Expect.StatusAsync(response, HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_blocked_user_adding_the_blocker_to_a_group_gets_403_and_the_group_is_unchanged()
    {
        var (alice, bob, carol) = (Server.NewUser("alice"), Server.NewUser("bob"), Server.NewUser("carol"));
        var chatId = await bob.CreateGroupIdAsync(carol);
        (await alice.BlockAsync(bob)).Dispose();

        using var response = await bob.PostAsync($"chats/{ChatUser.Escape(chatId)}/members", new { userId = alice.Id });

        await Expect.ProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(new[] { bob.Id, carol.Id }.Order(StringComparer.Ordinal), (await bob.GetChatAsync(chatId)).Members());
    }

    [Fact]
    public async Task Someone_else_adds_the_blocker_to_a_group_of_the_blocked_user()
    {
        var (alice, bob, carol) = (Server.NewUser("alice"), Server.NewUser("bob"), Server.NewUser("carol"));
        var chatId = await bob.CreateGroupIdAsync(carol);
        (await alice.BlockAsync(bob)).Dispose();

        var chat = await carol.AddMemberAsync(chatId, alice);

        Assert.Contains(alice.Id, chat.Members());
    }

    [Fact]
    public async Task A_blocked_user_creating_a_group_with_the_blocker_gets_403_and_no_chat_is_made()
    {
        var (alice, bob, carol) = (Server.NewUser("alice"), Server.NewUser("bob"), Server.NewUser("carol"));
        (await alice.BlockAsync(bob)).Dispose();

        using var response = await bob.PostAsync("chats", new { title = "Team", members = new[] { carol.Id, alice.Id } });

        await Expect.ProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
        Assert.Empty(await ChatIdsOf(bob));
        Assert.Empty(await ChatIdsOf(carol));
    }

    [Fact]
    public async Task Blocking_tells_the_blocked_user_nothing()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        await using var bobSocket = await bob.ConnectAsync();
        await bobSocket.RoundTripAsync();

        (await alice.BlockAsync(bob)).Dispose();

        await bobSocket.AssertNothingAsync(_ => true, "frame");
    }

    private static async Task<string[]> ChatIdsOf(ChatUser user)
    {
        using var response = await user.GetAsync("me/chats");
        return [.. (await Expect.StatusAsync(response, HttpStatusCode.OK)).Items("chats").Select(c => c.Text("chatId"))];
    }
}

/// <summary>PROTOCOL.md 6.5: the blocked user sees the blocker offline without a last seen time; others see the truth.</summary>
[Collection(SharedServer.Name)]
public sealed class BlockedPresenceTests(ChatServerFixture fixture)
{
    private ChatServer Server => fixture.Server;

    [Fact]
    public async Task A_blocked_user_watching_the_blocker_sees_them_offline_without_last_seen_while_others_see_them_online()
    {
        var (alice, bob, carol) = (Server.NewUser("alice"), Server.NewUser("bob"), Server.NewUser("carol"));
        (await alice.BlockAsync(bob)).Dispose();
        await using var aliceSocket = await alice.ConnectAsync();
        await using var bobSocket = await bob.ConnectAsync();
        await using var carolSocket = await carol.ConnectAsync();

        await bobSocket.SendAsync(new { type = "watch_presence", userIds = new[] { alice.Id } });
        await carolSocket.SendAsync(new { type = "watch_presence", userIds = new[] { alice.Id } });

        var seenByBob = await bobSocket.ReceiveAsync("presence", where: f => f.Text("userId") == alice.Id);
        Assert.Equal("offline", seenByBob.Text("status"));
        Assert.True(seenByBob.IsNull("lastSeen"), $"got {seenByBob}");
        Assert.Equal("online", (await carolSocket.ReceiveAsync("presence", where: f => f.Text("userId") == alice.Id)).Text("status"));
    }

    [Fact]
    public async Task A_blocked_user_watching_sees_the_blocker_go_offline_at_the_block_and_online_at_the_unblock()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        await using var aliceSocket = await alice.ConnectAsync();
        await using var bobSocket = await bob.ConnectAsync();
        await bobSocket.SendAsync(new { type = "watch_presence", userIds = new[] { alice.Id } });
        Assert.Equal("online", (await bobSocket.ReceiveAsync("presence", where: f => f.Text("userId") == alice.Id)).Text("status"));

        (await alice.BlockAsync(bob)).Dispose();
        var blocked = await bobSocket.ReceiveAsync("presence", where: f => f.Text("userId") == alice.Id);
        (await alice.DeleteAsync($"me/blocks/{ChatUser.Escape(bob.Id)}")).Dispose();
        var unblocked = await bobSocket.ReceiveAsync("presence", where: f => f.Text("userId") == alice.Id);

        Assert.Equal(("offline", true), (blocked.Text("status"), blocked.IsNull("lastSeen")));
        Assert.Equal("online", unblocked.Text("status"));
    }

    [Fact]
    public async Task The_blocked_member_of_a_direct_chat_sees_the_blocker_connect_as_offline()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        await alice.OpenDirectChatAsync(bob);
        (await alice.BlockAsync(bob)).Dispose();
        await using var bobSocket = await bob.ConnectAsync();

        await using var aliceSocket = await alice.ConnectAsync();

        var presence = await bobSocket.ReceiveAsync("presence", where: f => f.Text("userId") == alice.Id);
        Assert.Equal(("offline", true), (presence.Text("status"), presence.IsNull("lastSeen")));
    }

    [Fact]
    public async Task The_blocker_still_sees_the_blocked_users_presence()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        (await alice.BlockAsync(bob)).Dispose();
        await using var bobSocket = await bob.ConnectAsync();
        await using var aliceSocket = await alice.ConnectAsync();

        await aliceSocket.SendAsync(new { type = "watch_presence", userIds = new[] { bob.Id } });

        Assert.Equal("online", (await aliceSocket.ReceiveAsync("presence", where: f => f.Text("userId") == bob.Id)).Text("status"));
    }
}

internal static class Blocks
{
    public static Task<HttpResponseMessage> BlockAsync(this ChatUser user, ChatUser other) =>
        user.SendAsync(HttpMethod.Put, $"me/blocks/{ChatUser.Escape(other.Id)}");

    public static async Task<string> BlockListTextAsync(this ChatUser user)
    {
        using var response = await user.GetAsync("me/blocks");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadTextAsync();
    }
}
