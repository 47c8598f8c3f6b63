namespace OrleansChat.ProtocolTests;

[Collection(SharedServer.Name)]
public sealed class SyncTests(ChatServerFixture fixture)
{
    private ChatServer Server => fixture.Server;

    [Fact]
    public async Task Sync_after_a_reconnect_returns_exactly_the_missed_messages_in_order_then_synced()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        long lastHeld;
        await using (var before = await alice.ConnectAsync())
        {
            for (var i = 1; i <= 3; i++)
            {
                await bob.PostMessageAsync(chatId, $"seen {i}");
            }
            lastHeld = (await before.ReceiveAsync("message", chatId, f => f.Number("seq") == 3)).Number("seq");
        }
        for (var i = 4; i <= 6; i++)
        {
            await bob.PostMessageAsync(chatId, $"missed {i}");
        }
        await using var after = await alice.ConnectAsync();

        await after.SendAsync(new { type = "sync", @ref = "s1", chats = new[] { new { chatId, afterSeq = lastHeld } } });

        var (messages, synced) = await after.ReceiveSyncedAsync("s1");
        Assert.Equal([4, 5, 6], messages.Select(m => m.Number("seq")));
        Assert.All(messages, m => Assert.Equal(chatId, m.Text("chatId")));
        Assert.Equal("s1", synced.Text("ref"));
        var chat = Assert.Single(synced.Items("chats"));
        Assert.Equal(chatId, chat.Text("chatId"));
        Assert.Equal(6, chat.Number("lastSeq"));
        Assert.False(chat.Flag("hasMore"));
        await after.AssertNothingAsync(f => f.Is("message", chatId), "message after synced");
    }

    [Fact]
    public async Task Synced_messages_carry_every_message_field()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        var ack = await bob.PostMessageAsync(chatId, "while you were away", "k-away");
        await using var socket = await alice.ConnectAsync();

        await socket.SendAsync(new { type = "sync", @ref = "s1", chats = new[] { new { chatId, afterSeq = 0 } } });

        var message = await socket.ReceiveAsync("message", chatId);
        Assert.Equal(1, message.Number("seq"));
        Assert.Equal(ack.Text("messageId"), message.Text("messageId"));
        Assert.Equal(bob.Id, message.Text("senderId"));
        Assert.Equal("while you were away", message.Text("content"));
        Assert.Equal(ack.Text("sentAt"), message.Text("sentAt"));
        Assert.Equal("k-away", message.Text("clientMsgId"));
    }

    [Fact]
    public async Task Sync_with_a_limit_returns_the_oldest_missed_messages_and_says_more_remain()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();
        for (var i = 1; i <= 5; i++)
        {
            await alice.PostMessageAsync(chatId, $"m{i}");
        }
        await using var socket = await alice.ConnectAsync();

        // PROTOCOL.md says "optional limit per chat" without saying where; it is given in both places.
        await socket.SendAsync(new { type = "sync", @ref = "s1", limit = 2, chats = new[] { new { chatId, afterSeq = 1, limit = 2 } } });

        var (messages, synced) = await socket.ReceiveSyncedAsync("s1");
        Assert.Equal([2, 3], messages.Select(m => m.Number("seq")));
        var chat = Assert.Single(synced.Items("chats"));
        Assert.Equal(5, chat.Number("lastSeq"));
        Assert.True(chat.Flag("hasMore"));
    }

    [Fact]
    public async Task Sync_answers_several_chats_in_seq_order_per_chat_and_one_synced()
    {
        var alice = Server.NewUser("alice");
        var first = await alice.CreateGroupIdAsync();
        var second = await alice.CreateGroupIdAsync();
        for (var i = 1; i <= 3; i++)
        {
            await alice.PostMessageAsync(first, $"first {i}");
            await alice.PostMessageAsync(second, $"second {i}");
        }
        await using var socket = await alice.ConnectAsync();

        await socket.SendAsync(new
        {
            type = "sync",
            @ref = "s1",
            chats = new[] { new { chatId = first, afterSeq = 0 }, new { chatId = second, afterSeq = 2 } },
        });

        var (messages, synced) = await socket.ReceiveSyncedAsync("s1");
        Assert.Equal([1, 2, 3], messages.Where(m => m.Text("chatId") == first).Select(m => m.Number("seq")));
        Assert.Equal([3], messages.Where(m => m.Text("chatId") == second).Select(m => m.Number("seq")));
        Assert.Equal(4, messages.Count);
        var chats = synced.Items("chats").ToDictionary(c => c.Text("chatId"));
        Assert.Equal(2, chats.Count);
        Assert.Equal(3, chats[first].Number("lastSeq"));
        Assert.Equal(3, chats[second].Number("lastSeq"));
        Assert.False(chats[first].Flag("hasMore"));
        Assert.False(chats[second].Flag("hasMore"));
    }

    [Fact]
    public async Task Sync_with_nothing_missed_returns_only_synced()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();
        await alice.PostMessageAsync(chatId, "old news");
        await using var socket = await alice.ConnectAsync();

        await socket.SendAsync(new { type = "sync", @ref = "s1", chats = new[] { new { chatId, afterSeq = 1 } } });

        var first = await socket.ReceiveAsync();
        Assert.True(first.Is("synced"), $"expected synced first, got {first}");
        Assert.Equal(1, Assert.Single(first.Items("chats")).Number("lastSeq"));
    }

    [Fact]
    public async Task Sync_of_a_chat_you_are_not_a_member_of_gets_forbidden_and_the_other_chats_are_answered()
    {
        var (alice, mallory) = (Server.NewUser("alice"), Server.NewUser("mallory"));
        var secret = await alice.CreateGroupIdAsync();
        await alice.PostMessageAsync(secret, "secret");
        var own = await mallory.CreateGroupIdAsync();
        await mallory.PostMessageAsync(own, "mine");
        await using var socket = await mallory.ConnectAsync();

        await socket.SendAsync(new
        {
            type = "sync",
            @ref = "s1",
            chats = new[] { new { chatId = secret, afterSeq = 0 }, new { chatId = own, afterSeq = 0 } },
        });

        var (messages, synced) = await socket.ReceiveSyncedAsync("s1");
        Expect.Error(await socket.ReceiveAsync("error"), "forbidden", "s1");
        Assert.Equal(own, Assert.Single(messages).Text("chatId"));
        var chat = Assert.Single(synced.Items("chats"));
        Assert.Equal(own, chat.Text("chatId"));
    }

    [Fact]
    public async Task Sync_with_a_limit_over_500_gets_an_error()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();
        await using var socket = await alice.ConnectAsync();

        await socket.SendAsync(new { type = "sync", @ref = "s1", limit = 501, chats = new[] { new { chatId, afterSeq = 0, limit = 501 } } });

        var error = await socket.ReceiveAsync();
        Assert.True(error.IsError("bad_request") || error.IsError("too_large"), $"got {error}");
        Assert.Equal("s1", error.TextOrNull("ref"));
    }

    [Fact]
    public async Task Sync_without_chats_gets_bad_request()
    {
        await using var socket = await Server.NewUser("alice").ConnectAsync();

        await socket.SendAsync(new { type = "sync", @ref = "s1" });

        Expect.Error(await socket.ReceiveAsync(), "bad_request", "s1");
    }
}
