namespace OrleansChat.ProtocolTests;

[Collection(SharedServer.Name)]
public sealed class ReadReceiptTests(ChatServerFixture fixture)
{
    private ChatServer Server => fixture.Server;

    [Fact]
    public async Task A_read_sends_a_receipt_to_every_members_devices_including_the_readers()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        await bob.PostMessageAsync(chatId, "one");
        await bob.PostMessageAsync(chatId, "two");
        await using var laptop = await alice.ConnectAsync();
        await using var phone = await alice.ConnectAsync();
        await using var bobSocket = await bob.ConnectAsync();

        await laptop.SendAsync(new { type = "read", chatId, seq = 2 });

        foreach (var device in new[] { laptop, phone, bobSocket })
        {
            var receipt = await device.ReceiveAsync("receipt", chatId);
            Assert.Equal(alice.Id, receipt.Text("userId"));
            Assert.Equal(2, receipt.Number("readSeq"));
        }
    }

    [Fact]
    public async Task A_read_is_answered_with_nothing_on_the_readers_connection_but_the_receipt()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();
        await alice.PostMessageAsync(chatId, "one");
        await using var socket = await alice.ConnectAsync();

        await socket.SendAsync(new { type = "read", @ref = "r1", chatId, seq = 1 });

        await socket.ReceiveAsync("receipt", chatId);
        await socket.AssertNothingAsync(f => !f.Is("receipt"), "reply to read");
    }

    [Fact]
    public async Task A_read_that_does_not_raise_the_read_seq_sends_no_receipt()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        await bob.PostMessageAsync(chatId, "one");
        await bob.PostMessageAsync(chatId, "two");
        await using var aliceSocket = await alice.ConnectAsync();
        await using var bobSocket = await bob.ConnectAsync();
        await aliceSocket.SendAsync(new { type = "read", chatId, seq = 2 });
        await bobSocket.ReceiveAsync("receipt", chatId);
        await aliceSocket.ReceiveAsync("receipt", chatId);

        await aliceSocket.SendAsync(new { type = "read", chatId, seq = 1 });
        await aliceSocket.SendAsync(new { type = "read", chatId, seq = 2 });

        await aliceSocket.AssertNothingAsync(f => f.Is("receipt"), "receipt");
        await bobSocket.AssertNothingAsync(f => f.Is("receipt"), "receipt");
    }

    [Fact]
    public async Task The_read_seq_shows_in_my_chats()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        await bob.PostMessageAsync(chatId, "one");
        await bob.PostMessageAsync(chatId, "two");
        await using var socket = await alice.ConnectAsync();

        await socket.SendAsync(new { type = "read", chatId, seq = 1 });
        await socket.ReceiveAsync("receipt", chatId);

        var chat = await alice.MyChatAsync(chatId);
        Assert.Equal(1, chat.Number("readSeq"));
        Assert.Equal(2, chat.Number("lastSeq"));
    }

    [Fact]
    public async Task A_read_above_the_last_seq_gets_bad_request()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();
        await alice.PostMessageAsync(chatId, "only one");
        await using var socket = await alice.ConnectAsync();

        await socket.SendAsync(new { type = "read", @ref = "r1", chatId, seq = 2 });

        Expect.Error(await socket.ReceiveAsync(), "bad_request", "r1");
    }

    [Fact]
    public async Task A_read_in_a_chat_you_are_not_a_member_of_gets_forbidden()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();
        await alice.PostMessageAsync(chatId, "one");
        await using var socket = await Server.NewUser("mallory").ConnectAsync();

        await socket.SendAsync(new { type = "read", @ref = "r1", chatId, seq = 1 });

        Expect.Error(await socket.ReceiveAsync(), "forbidden", "r1");
    }

    [Fact]
    public async Task A_read_without_a_seq_gets_bad_request()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();
        await using var socket = await alice.ConnectAsync();

        await socket.SendAsync(new { type = "read", @ref = "r1", chatId });

        Expect.Error(await socket.ReceiveAsync(), "bad_request", "r1");
    }
}
