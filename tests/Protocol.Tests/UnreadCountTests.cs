using System.Net;
using System.Text.Json;

namespace OrleansChat.ProtocolTests;

/// <summary>PROTOCOL.md 6.5: <c>unreadCount</c> and <c>mentionCount</c> in <c>GET /me/chats</c>.</summary>
[Collection(SharedServer.Name)]
public sealed class UnreadCountTests(ChatServerFixture fixture)
{
    private ChatServer Server => fixture.Server;

    [Fact]
    public async Task My_chats_carry_unreadCount_and_mentionCount_as_integers_next_to_readSeq_and_muted()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);

        var listed = await alice.MyChatAsync(chatId);

        Assert.Equal("chatId,type,title,ownerId,members,createdAt,lastSeq,readSeq,unreadCount,mentionCount,muted", Changes.FieldNames(listed));
        Assert.Equal((JsonValueKind.Number, 0, JsonValueKind.Number, 0), (Kind(listed, "unreadCount"), listed.Number("unreadCount"), Kind(listed, "mentionCount"), listed.Number("mentionCount")));
        Assert.False((await alice.GetChatAsync(chatId)).TryGetProperty("unreadCount", out _), "unreadCount belongs to /me/chats only");
    }

    [Fact]
    public async Task Texts_of_others_raise_the_unread_count_and_the_readers_own_texts_do_not()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);

        await alice.PostMessageAsync(chatId, "one");
        await alice.PostMessageAsync(chatId, "two");
        await bob.PostMessageAsync(chatId, "three");

        Assert.Equal((2L, 0L), await CountsAsync(bob, chatId));
        Assert.Equal((1L, 0L), await CountsAsync(alice, chatId));
    }

    [Fact]
    public async Task Edits_and_reactions_leave_the_unread_count_as_it_was()
    {
        var (alice, bob, carol) = (Server.NewUser("alice"), Server.NewUser("bob"), Server.NewUser("carol"));
        var chatId = await alice.CreateGroupIdAsync(bob, carol);
        var text = (await alice.PostMessageAsync(chatId, "hello")).Number("seq");

        await PostChangeAsync(alice, chatId, new { kind = "edit", target = text, content = "hello, all" });
        await PostChangeAsync(carol, chatId, new { kind = "reaction", target = text, content = "👍" });
        await PostChangeAsync(carol, chatId, new { kind = "reaction", target = text, content = "👍", remove = true });

        Assert.Equal((1L, 0L), await CountsAsync(bob, chatId));
    }

    [Fact]
    public async Task Deleting_an_unread_text_lowers_the_unread_count_and_its_mention_count()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        await alice.PostMessageAsync(chatId, "stays");
        var doomed = (await alice.PostMessageAsync(chatId, $"goes @{bob.Id}")).Number("seq");
        Assert.Equal((2L, 1L), await CountsAsync(bob, chatId));

        await PostChangeAsync(alice, chatId, new { kind = "delete", target = doomed });

        Assert.Equal((1L, 0L), await CountsAsync(bob, chatId));
    }

    [Fact]
    public async Task Reading_up_to_the_last_seq_drops_both_counts_to_zero_and_a_later_text_counts_again()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        await alice.PostMessageAsync(chatId, "one");
        var last = (await alice.PostMessageAsync(chatId, $"two @{bob.Id}")).Number("seq");
        await using var bobSocket = await bob.ConnectAsync();

        await bobSocket.SendAsync(new { type = "read", chatId, seq = last });
        await bobSocket.ReceiveAsync("receipt", chatId, r => r.Text("userId") == bob.Id && r.Number("readSeq") == last);

        Assert.Equal((0L, 0L), await CountsAsync(bob, chatId));
        await alice.PostMessageAsync(chatId, "three");
        Assert.Equal((1L, 0L), await CountsAsync(bob, chatId));
    }

    [Fact]
    public async Task Reading_part_of_a_chat_leaves_the_texts_after_the_read_seq_unread()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        var first = (await alice.PostMessageAsync(chatId, "one")).Number("seq");
        await alice.PostMessageAsync(chatId, $"two @{bob.Id}");
        await alice.PostMessageAsync(chatId, "three");
        await using var bobSocket = await bob.ConnectAsync();

        await bobSocket.SendAsync(new { type = "read", chatId, seq = first });
        await bobSocket.ReceiveAsync("receipt", chatId, r => r.Text("userId") == bob.Id && r.Number("readSeq") == first);

        Assert.Equal((2L, 1L), await CountsAsync(bob, chatId));
    }

    [Fact]
    public async Task A_mention_counts_only_for_the_member_it_mentions()
    {
        var (alice, bob, carol) = (Server.NewUser("alice"), Server.NewUser("bob"), Server.NewUser("carol"));
        var chatId = await alice.CreateGroupIdAsync(bob, carol);

        await alice.PostMessageAsync(chatId, $"@{bob.Id} look");

        Assert.Equal((1L, 1L), await CountsAsync(bob, chatId));
        Assert.Equal((1L, 0L), await CountsAsync(carol, chatId));
        Assert.Equal((0L, 0L), await CountsAsync(alice, chatId));
    }

    [Fact]
    public async Task An_edit_that_removes_a_mention_lowers_the_mention_count_and_one_that_adds_it_raises_it()
    {
        var (alice, bob, carol) = (Server.NewUser("alice"), Server.NewUser("bob"), Server.NewUser("carol"));
        var chatId = await alice.CreateGroupIdAsync(bob, carol);
        var text = (await alice.PostMessageAsync(chatId, $"@{bob.Id} look")).Number("seq");

        await PostChangeAsync(alice, chatId, new { kind = "edit", target = text, content = $"@{carol.Id} look" });

        Assert.Equal((1L, 0L), await CountsAsync(bob, chatId));
        Assert.Equal((1L, 1L), await CountsAsync(carol, chatId));
    }

    [Fact]
    public async Task Each_of_a_users_chats_is_counted_on_its_own()
    {
        var (alice, bob, carol) = (Server.NewUser("alice"), Server.NewUser("bob"), Server.NewUser("carol"));
        var busy = await alice.CreateGroupIdAsync(bob);
        var quiet = await carol.CreateGroupIdAsync(bob);
        var direct = (await bob.OpenDirectChatAsync(alice)).Text("chatId");
        await alice.PostMessageAsync(busy, "one");
        await alice.PostMessageAsync(busy, $"two @{bob.Id}");
        await alice.PostMessageAsync(busy, "three");
        await alice.PostMessageAsync(direct, "psst");

        using var response = await bob.GetAsync("me/chats");
        var chats = (await Expect.StatusAsync(response, HttpStatusCode.OK)).Items("chats").ToDictionary(c => c.Text("chatId"));

        Assert.Equal(new[] { busy, direct, quiet }.Order(StringComparer.Ordinal), chats.Keys.Order(StringComparer.Ordinal));
        Assert.Equal((3L, 1L), Counts(chats[busy]));
        Assert.Equal((0L, 0L), Counts(chats[quiet]));
        Assert.Equal((1L, 0L), Counts(chats[direct]));
    }

    private static JsonValueKind Kind(JsonElement json, string name) => json.GetProperty(name).ValueKind;

    private static (long Unread, long Mentions) Counts(JsonElement listed) => (listed.Number("unreadCount"), listed.Number("mentionCount"));

    private static async Task<(long Unread, long Mentions)> CountsAsync(ChatUser user, string chatId) => Counts(await user.MyChatAsync(chatId));

    /// <summary>Sends a change over REST (PROTOCOL.md 6.1) with a fresh client message id; it must be stored.</summary>
    private static async Task PostChangeAsync(ChatUser user, string chatId, object change)
    {
        var body = JsonSerializer.SerializeToNode(change)!.AsObject();
        body["clientMsgId"] = Guid.NewGuid().ToString();
        using var response = await user.PostAsync($"chats/{ChatUser.Escape(chatId)}/messages", body.ToJsonString());
        await Expect.StatusAsync(response, HttpStatusCode.Created);
    }
}
