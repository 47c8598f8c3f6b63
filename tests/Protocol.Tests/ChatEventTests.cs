namespace OrleansChat.ProtocolTests;

[Collection(SharedServer.Name)]
public sealed class ChatEventTests(ChatServerFixture fixture)
{
    private ChatServer Server => fixture.Server;

    [Fact]
    public async Task Creating_a_group_sends_created_with_the_chat_to_connected_members()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        await using var aliceSocket = await alice.ConnectAsync();
        await using var bobSocket = await bob.ConnectAsync();

        var chatId = (await alice.CreateGroupAsync("Launch", bob)).Text("chatId");

        foreach (var socket in new[] { aliceSocket, bobSocket })
        {
            var created = await socket.ReceiveAsync("chat", chatId);
            Assert.Equal("created", created.Text("event"));
            var chat = created.GetProperty("chat");
            // For `created`, userId names the user who created the chat.
            Assert.Equal(alice.Id, created.Text("userId"));
            Assert.Equal(chatId, chat.Text("chatId"));
            Assert.Equal("group", chat.Text("type"));
            Assert.Equal("Launch", chat.Text("title"));
            Assert.Equal(new[] { alice.Id, bob.Id }.Order(StringComparer.Ordinal), chat.Members());
        }
    }

    [Fact]
    public async Task A_new_member_of_a_group_receives_its_messages_from_then_on()
    {
        var (alice, carol) = (Server.NewUser("alice"), Server.NewUser("carol"));
        var chatId = await alice.CreateGroupIdAsync();
        await using var carolSocket = await carol.ConnectAsync();
        await alice.AddMemberAsync(chatId, carol);
        await carolSocket.ReceiveAsync("chat", chatId, f => f.Text("event") == "member_added");

        var ack = await alice.PostMessageAsync(chatId, "welcome carol");

        Assert.Equal(ack.Number("seq"), (await carolSocket.ReceiveAsync("message", chatId)).Number("seq"));
    }

    [Fact]
    public async Task Adding_a_member_sends_member_added_to_the_members_and_the_new_member()
    {
        var (alice, bob, carol) = (Server.NewUser("alice"), Server.NewUser("bob"), Server.NewUser("carol"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        await using var bobSocket = await bob.ConnectAsync();
        await using var carolSocket = await carol.ConnectAsync();

        await alice.AddMemberAsync(chatId, carol);

        foreach (var socket in new[] { bobSocket, carolSocket })
        {
            var added = await socket.ReceiveAsync("chat", chatId, f => f.Text("event") == "member_added");
            Assert.Equal(carol.Id, added.Text("userId"));
            Assert.Contains(carol.Id, added.GetProperty("chat").Members());
        }
    }

    [Fact]
    public async Task Removing_a_member_sends_member_removed_to_the_members_and_the_removed_user()
    {
        var (alice, bob, carol) = (Server.NewUser("alice"), Server.NewUser("bob"), Server.NewUser("carol"));
        var chatId = await alice.CreateGroupIdAsync(bob, carol);
        await using var bobSocket = await bob.ConnectAsync();
        await using var carolSocket = await carol.ConnectAsync();

        await alice.RemoveMemberAsync(chatId, bob);

        foreach (var socket in new[] { bobSocket, carolSocket })
        {
            var removed = await socket.ReceiveAsync("chat", chatId, f => f.Text("event") == "member_removed");
            Assert.Equal(bob.Id, removed.Text("userId"));
        }
    }

    [Fact]
    public async Task A_removed_member_gets_no_further_messages_of_the_chat()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        await using var aliceSocket = await alice.ConnectAsync();
        await using var bobSocket = await bob.ConnectAsync();
        await alice.RemoveMemberAsync(chatId, bob);
        await bobSocket.ReceiveAsync("chat", chatId, f => f.Text("event") == "member_removed");

        await aliceSocket.SendAsync(new { type = "send", @ref = "r1", chatId, clientMsgId = "k1", content = "bob is gone" });
        await aliceSocket.ReceiveAsync("message", chatId);

        await bobSocket.AssertNothingAsync(f => f.Is("message", chatId), "message after removal");
    }

    [Fact]
    public async Task Opening_a_direct_chat_sends_created_to_both_sides()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        await using var aliceSocket = await alice.ConnectAsync();
        await using var bobSocket = await bob.ConnectAsync();

        var chatId = (await alice.OpenDirectChatAsync(bob)).Text("chatId");

        foreach (var socket in new[] { aliceSocket, bobSocket })
        {
            var created = await socket.ReceiveAsync("chat", chatId);
            Assert.Equal("created", created.Text("event"));
            Assert.Equal("direct", created.GetProperty("chat").Text("type"));
        }
    }
}
