using System.Text.Json;

namespace OrleansChat.ProtocolTests;

/// <summary>PROTOCOL.md 6.4: the <c>delivered</c> frame, <c>deliveredSeq</c> in <c>receipt</c>, and <c>receipts</c> in the chat.</summary>
[Collection(SharedServer.Name)]
public sealed class DeliveredReceiptTests(ChatServerFixture fixture)
{
    private ChatServer Server => fixture.Server;

    [Fact]
    public async Task A_delivered_report_sends_a_receipt_with_the_delivered_seq_to_every_members_devices_including_the_reporters_other_device()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        await bob.PostMessageAsync(chatId, "one");
        await bob.PostMessageAsync(chatId, "two");
        await using var laptop = await alice.ConnectAsync();
        await using var phone = await alice.ConnectAsync();
        await using var bobSocket = await bob.ConnectAsync();

        await phone.SendAsync(new { type = "delivered", chatId, seq = 2 });

        var expected = $$"""{"type":"receipt","chatId":"{{chatId}}","userId":"{{alice.Id}}","readSeq":0,"deliveredSeq":2}""";
        foreach (var device in new[] { phone, laptop, bobSocket })
        {
            Assert.Equal(expected, (await device.ReceiveAsync("receipt", chatId)).ToString());
        }

        await phone.AssertNothingAsync(f => !f.Is("receipt"), "reply to delivered");
    }

    [Fact]
    public async Task A_read_receipt_carries_the_delivered_seq_after_the_read_seq()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        await bob.PostMessageAsync(chatId, "one");
        await using var aliceSocket = await alice.ConnectAsync();
        await using var bobSocket = await bob.ConnectAsync();

        await aliceSocket.SendAsync(new { type = "read", chatId, seq = 1 });

        Assert.Equal(
            $$"""{"type":"receipt","chatId":"{{chatId}}","userId":"{{alice.Id}}","readSeq":1,"deliveredSeq":1}""",
            (await bobSocket.ReceiveAsync("receipt", chatId)).ToString());
    }

    [Fact]
    public async Task A_delivered_report_lower_than_another_devices_changes_nothing_and_sends_no_receipt()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        for (var i = 1; i <= 3; i++)
        {
            await bob.PostMessageAsync(chatId, $"message {i}");
        }

        await using var laptop = await alice.ConnectAsync();
        await using var phone = await alice.ConnectAsync();
        await using var bobSocket = await bob.ConnectAsync();
        await phone.SendAsync(new { type = "delivered", chatId, seq = 3 });
        foreach (var device in new[] { phone, laptop, bobSocket })
        {
            Assert.Equal(3, (await device.ReceiveAsync("receipt", chatId)).Number("deliveredSeq"));
        }

        await laptop.SendAsync(new { type = "delivered", chatId, seq = 2 });
        await laptop.SendAsync(new { type = "delivered", chatId, seq = 3 });
        await laptop.SendAsync(new { type = "read", chatId, seq = 1 });

        // The read is the marker: a receipt for either lower report would have come before its receipt.
        foreach (var device in new[] { phone, laptop, bobSocket })
        {
            var before = await device.ReceiveBeforeAsync(f => f.Is("receipt", chatId) && f.Number("readSeq") == 1);
            Assert.DoesNotContain(before, f => f.Is("receipt"));
        }

        var receipt = Receipt(await alice.GetChatAsync(chatId), alice);
        Assert.Equal((1, 3), (receipt.Number("readSeq"), receipt.Number("deliveredSeq")));
    }

    [Fact]
    public async Task Reading_raises_the_delivered_seq_so_a_later_lower_delivered_report_sends_nothing()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        for (var i = 1; i <= 3; i++)
        {
            await bob.PostMessageAsync(chatId, $"message {i}");
        }

        await using var aliceSocket = await alice.ConnectAsync();
        await using var bobSocket = await bob.ConnectAsync();
        await aliceSocket.SendAsync(new { type = "read", chatId, seq = 2 });
        var read = await bobSocket.ReceiveAsync("receipt", chatId);
        Assert.Equal((2, 2), (read.Number("readSeq"), read.Number("deliveredSeq")));

        await aliceSocket.SendAsync(new { type = "delivered", chatId, seq = 2 });
        await aliceSocket.SendAsync(new { type = "delivered", chatId, seq = 3 });

        var before = await bobSocket.ReceiveBeforeAsync(f => f.Is("receipt", chatId) && f.Number("deliveredSeq") == 3);
        Assert.DoesNotContain(before, f => f.Is("receipt"));
        var last = await aliceSocket.ReceiveAsync("receipt", chatId, f => f.Number("deliveredSeq") == 3);
        Assert.Equal(2, last.Number("readSeq"));
    }

    [Fact]
    public async Task A_delivered_report_in_a_chat_you_are_not_a_member_of_gets_forbidden()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();
        await alice.PostMessageAsync(chatId, "one");
        await using var socket = await Server.NewUser("mallory").ConnectAsync();

        await socket.SendAsync(new { type = "delivered", @ref = "r1", chatId, seq = 1 });

        Expect.Error(await socket.ReceiveAsync(), "forbidden", "r1");
        Assert.DoesNotContain(Receipts(await alice.GetChatAsync(chatId)), r => r.Text("userId") != alice.Id);
    }

    public static TheoryData<string> BadDeliveredFrames => new()
    {
        """{"type":"delivered","ref":"r1","chatId":"CHAT"}""",
        """{"type":"delivered","ref":"r1","chatId":"CHAT","seq":"1"}""",
        """{"type":"delivered","ref":"r1","chatId":"CHAT","seq":1.5}""",
        """{"type":"delivered","ref":"r1","chatId":"CHAT","seq":null}""",
        """{"type":"delivered","ref":"r1","chatId":"CHAT","seq":-1}""",
        """{"type":"delivered","ref":"r1","chatId":"CHAT","seq":2}""",
        """{"type":"delivered","ref":"r1","chatId":"CHAT","seq":99999999999999999999}""",
        """{"type":"delivered","ref":"r1","seq":1}""",
        """{"type":"delivered","ref":"r1","chatId":7,"seq":1}""",
    };

    [Theory]
    [MemberData(nameof(BadDeliveredFrames))]
    public async Task A_delivered_report_with_a_bad_field_gets_bad_request_changes_nothing_and_keeps_the_connection(string template)
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();
        await alice.PostMessageAsync(chatId, "only one");
        await using var socket = await alice.ConnectAsync();

        await socket.SendTextAsync(template.Replace("CHAT", chatId, StringComparison.Ordinal));

        Expect.Error(await socket.ReceiveAsync(), "bad_request", "r1");
        await socket.AssertNothingAsync(f => f.Is("receipt"), "receipt");
        var receipt = Receipt(await alice.GetChatAsync(chatId), alice);
        Assert.Equal((0, 0), (receipt.Number("readSeq"), receipt.Number("deliveredSeq")));
    }

    [Fact]
    public async Task Get_chat_carries_a_receipt_for_every_member_in_the_members_order()
    {
        var (alice, bob, carol) = (Server.NewUser("alice"), Server.NewUser("bob"), Server.NewUser("carol"));
        var chatId = await alice.CreateGroupIdAsync(bob, carol);
        for (var i = 1; i <= 3; i++)
        {
            await alice.PostMessageAsync(chatId, $"message {i}");
        }

        await using var bobSocket = await bob.ConnectAsync();
        await bobSocket.SendAsync(new { type = "delivered", chatId, seq = 3 });
        await bobSocket.SendAsync(new { type = "read", chatId, seq = 2 });
        await bobSocket.ReceiveAsync("receipt", chatId, f => f.Number("readSeq") == 2);

        var chat = await carol.GetChatAsync(chatId);

        Assert.Equal(
            [$$"""{"userId":"{{alice.Id}}","readSeq":0,"deliveredSeq":0}""", $$"""{"userId":"{{bob.Id}}","readSeq":2,"deliveredSeq":3}""", $$"""{"userId":"{{carol.Id}}","readSeq":0,"deliveredSeq":0}"""],
            Receipts(chat).Select(r => r.ToString()));
    }

    private static JsonElement[] Receipts(JsonElement chat) => chat.Items("receipts");

    private static JsonElement Receipt(JsonElement chat, ChatUser user) => Receipts(chat).Single(r => r.Text("userId") == user.Id);
}
