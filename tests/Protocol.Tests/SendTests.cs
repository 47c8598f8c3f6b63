namespace OrleansChat.ProtocolTests;

[Collection(SharedServer.Name)]
public sealed class SendTests(ChatServerFixture fixture)
{
    private ChatServer Server => fixture.Server;

    [Fact]
    public async Task A_send_is_acked_with_ref_chat_client_message_id_message_id_seq_and_sent_at()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync(Server.NewUser("bob"));
        await using var socket = await alice.ConnectAsync();

        await socket.SendAsync(new { type = "send", @ref = "r1", chatId, clientMsgId = "k1", content = "hello" });

        var ack = await socket.ReceiveAsync("ack");
        Assert.Equal("r1", ack.Text("ref"));
        Assert.Equal(chatId, ack.Text("chatId"));
        Assert.Equal("k1", ack.Text("clientMsgId"));
        Expect.UuidV7(ack.Text("messageId"));
        Assert.Equal(1, ack.Number("seq"));
        Expect.IsoUtcMillis(ack.Text("sentAt"));
    }

    [Fact]
    public async Task Message_ids_of_fifty_quick_sends_sort_as_strings_in_seq_order_in_acks_frames_and_history()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        await using var sending = await alice.ConnectAsync();
        await using var receiving = await bob.ConnectAsync();

        // Written back to back, so that many of them share one batch and one millisecond.
        for (var i = 1; i <= 50; i++)
        {
            await sending.SendAsync(new { type = "send", @ref = $"r{i}", chatId, clientMsgId = $"k{i}", content = $"m{i}" });
        }

        var acked = new List<(long Seq, string MessageId)>();
        var delivered = new List<(long Seq, string MessageId)>();
        for (var i = 1; i <= 50; i++)
        {
            var ack = await sending.ReceiveAsync("ack");
            acked.Add((ack.Number("seq"), ack.Text("messageId")));
            var message = await receiving.ReceiveAsync("message", chatId);
            delivered.Add((message.Number("seq"), message.Text("messageId")));
        }

        var history = (await alice.GetMessagesAsync(chatId, "?afterSeq=0&limit=50")).GetProperty("messages").EnumerateArray()
            .Select(m => (m.Number("seq"), m.Text("messageId"))).ToList();
        var inSeqOrder = acked.OrderBy(a => a.Seq).ToList();
        Assert.Equal(inSeqOrder, acked.OrderBy(a => a.MessageId, StringComparer.Ordinal));
        Assert.Equal(inSeqOrder, delivered);
        Assert.Equal(inSeqOrder, history);
    }

    [Fact]
    public async Task Successive_sends_get_seq_1_2_3()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();
        await using var socket = await alice.ConnectAsync();

        var seqs = new List<long>();
        for (var i = 1; i <= 3; i++)
        {
            await socket.SendAsync(new { type = "send", @ref = $"r{i}", chatId, clientMsgId = $"k{i}", content = $"m{i}" });
            seqs.Add((await socket.ReceiveAsync("ack", where: f => f.Text("ref") == $"r{i}")).Number("seq"));
        }

        Assert.Equal([1, 2, 3], seqs);
    }

    [Fact]
    public async Task A_message_reaches_every_device_of_every_member_including_the_sending_connection()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        await using var aliceLaptop = await alice.ConnectAsync();
        await using var alicePhone = await alice.ConnectAsync();
        await using var bobPhone = await bob.ConnectAsync();

        await aliceLaptop.SendAsync(new { type = "send", @ref = "r1", chatId, clientMsgId = "k1", content = "hello all" });
        var ack = await aliceLaptop.ReceiveAsync("ack");

        foreach (var device in new[] { aliceLaptop, alicePhone, bobPhone })
        {
            var message = await device.ReceiveAsync("message", chatId);
            Assert.Equal(ack.Number("seq"), message.Number("seq"));
            Assert.Equal(ack.Text("messageId"), message.Text("messageId"));
            Assert.Equal(alice.Id, message.Text("senderId"));
            Assert.Equal("hello all", message.Text("content"));
            Assert.Equal(ack.Text("sentAt"), message.Text("sentAt"));
            Assert.Equal("k1", message.Text("clientMsgId"));
        }
    }

    [Fact]
    public async Task Sending_the_same_client_message_id_again_returns_the_first_ack_and_delivers_nothing_new()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        await using var aliceSocket = await alice.ConnectAsync();
        await using var bobSocket = await bob.ConnectAsync();
        await aliceSocket.SendAsync(new { type = "send", @ref = "r1", chatId, clientMsgId = "same", content = "once" });
        var first = await aliceSocket.ReceiveAsync("ack");
        await aliceSocket.ReceiveAsync("message", chatId);
        await bobSocket.ReceiveAsync("message", chatId);

        await aliceSocket.SendAsync(new { type = "send", @ref = "r2", chatId, clientMsgId = "same", content = "once" });

        var second = await aliceSocket.ReceiveAsync("ack");
        Assert.Equal("r2", second.Text("ref"));
        Assert.Equal(first.Text("messageId"), second.Text("messageId"));
        Assert.Equal(first.Number("seq"), second.Number("seq"));
        Assert.Equal(first.Text("sentAt"), second.Text("sentAt"));
        await aliceSocket.AssertNothingAsync(f => f.Is("message", chatId), "second message");
        await bobSocket.AssertNothingAsync(f => f.Is("message", chatId), "second message");
    }

    [Fact]
    public async Task Resending_a_client_message_id_from_another_device_of_the_same_user_returns_the_first_ack()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();
        await using var laptop = await alice.ConnectAsync();
        await using var phone = await alice.ConnectAsync();
        await laptop.SendAsync(new { type = "send", @ref = "r1", chatId, clientMsgId = "k1", content = "hi" });
        var first = await laptop.ReceiveAsync("ack");

        await phone.SendAsync(new { type = "send", @ref = "r2", chatId, clientMsgId = "k1", content = "hi" });

        var second = await phone.ReceiveAsync("ack");
        Assert.Equal(first.Text("messageId"), second.Text("messageId"));
        Assert.Equal(first.Number("seq"), second.Number("seq"));
    }

    [Fact]
    public async Task After_an_idempotent_resend_the_next_message_gets_the_next_seq()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();
        await using var socket = await alice.ConnectAsync();
        await socket.SendAsync(new { type = "send", @ref = "r1", chatId, clientMsgId = "k1", content = "a" });
        await socket.ReceiveAsync("ack", where: f => f.Text("ref") == "r1");
        await socket.SendAsync(new { type = "send", @ref = "r2", chatId, clientMsgId = "k1", content = "a" });
        await socket.ReceiveAsync("ack", where: f => f.Text("ref") == "r2");

        await socket.SendAsync(new { type = "send", @ref = "r3", chatId, clientMsgId = "k2", content = "b" });

        Assert.Equal(2, (await socket.ReceiveAsync("ack", where: f => f.Text("ref") == "r3")).Number("seq"));
    }

    [Fact]
    public async Task The_same_client_message_id_from_another_member_is_a_new_message()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        await using var aliceSocket = await alice.ConnectAsync();
        await using var bobSocket = await bob.ConnectAsync();
        await aliceSocket.SendAsync(new { type = "send", @ref = "a", chatId, clientMsgId = "shared", content = "from alice" });
        var aliceAck = await aliceSocket.ReceiveAsync("ack");

        await bobSocket.SendAsync(new { type = "send", @ref = "b", chatId, clientMsgId = "shared", content = "from bob" });

        var bobAck = await bobSocket.ReceiveAsync("ack");
        Assert.Equal(2, bobAck.Number("seq"));
        Assert.NotEqual(aliceAck.Text("messageId"), bobAck.Text("messageId"));
    }

    [Fact]
    public async Task The_same_client_message_id_in_another_chat_is_a_new_message()
    {
        var alice = Server.NewUser("alice");
        var first = await alice.CreateGroupIdAsync();
        var second = await alice.CreateGroupIdAsync();
        await using var socket = await alice.ConnectAsync();
        await socket.SendAsync(new { type = "send", @ref = "r1", chatId = first, clientMsgId = "k", content = "one" });
        var firstAck = await socket.ReceiveAsync("ack");

        await socket.SendAsync(new { type = "send", @ref = "r2", chatId = second, clientMsgId = "k", content = "two" });

        var secondAck = await socket.ReceiveAsync("ack");
        Assert.Equal(second, secondAck.Text("chatId"));
        Assert.Equal(1, secondAck.Number("seq"));
        Assert.NotEqual(firstAck.Text("messageId"), secondAck.Text("messageId"));
    }

    [Fact]
    public async Task Concurrent_senders_produce_strictly_increasing_gap_free_seqs()
    {
        const int perSender = 30;
        var senders = new[] { Server.NewUser("alice"), Server.NewUser("bob"), Server.NewUser("carol") };
        var watcher = Server.NewUser("dave");
        var chatId = await senders[0].CreateGroupIdAsync([.. senders.Skip(1), watcher]);
        await using var watching = await watcher.ConnectAsync();
        var sockets = await Task.WhenAll(senders.Select(s => s.ConnectAsync()));

        try
        {
            var acks = await Task.WhenAll(sockets.Select(async (socket, n) =>
            {
                for (var i = 0; i < perSender; i++)
                {
                    await socket.SendAsync(new { type = "send", @ref = $"r{i}", chatId, clientMsgId = $"k{n}-{i}", content = $"{n}:{i}" });
                }
                var seqs = new List<long>();
                for (var i = 0; i < perSender; i++)
                {
                    seqs.Add((await socket.ReceiveAsync("ack")).Number("seq"));
                }
                return seqs;
            }));

            var delivered = new List<long>();
            for (var i = 0; i < perSender * senders.Length; i++)
            {
                delivered.Add((await watching.ReceiveAsync("message", chatId)).Number("seq"));
            }
            var all = Enumerable.Range(1, perSender * senders.Length).Select(i => (long)i).ToList();
            Assert.Equal(all, delivered);
            Assert.Equal(all, acks.SelectMany(a => a).Order().ToList());
            Assert.All(acks, a => Assert.Equal(a.Order().ToList(), a));
        }
        finally
        {
            foreach (var socket in sockets)
            {
                await socket.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Sending_to_a_chat_you_are_not_a_member_of_gets_forbidden()
    {
        var chatId = await Server.NewUser("alice").CreateGroupIdAsync();
        await using var socket = await Server.NewUser("mallory").ConnectAsync();

        await socket.SendAsync(new { type = "send", @ref = "r1", chatId, clientMsgId = "k1", content = "let me in" });

        Expect.Error(await socket.ReceiveAsync(), "forbidden", "r1");
    }

    [Fact]
    public async Task Sending_to_an_unknown_chat_gets_not_found()
    {
        await using var socket = await Server.NewUser("alice").ConnectAsync();

        await socket.SendAsync(new { type = "send", @ref = "r1", chatId = $"nosuchchat-{Guid.NewGuid():N}", clientMsgId = "k1", content = "anyone?" });

        Expect.Error(await socket.ReceiveAsync(), "not_found", "r1");
    }

    [Fact]
    public async Task Content_over_4000_characters_gets_too_large_and_the_connection_stays_open()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();
        await using var socket = await alice.ConnectAsync();

        await socket.SendAsync(new { type = "send", @ref = "r1", chatId, clientMsgId = "k1", content = new string('x', 4001) });

        Expect.Error(await socket.ReceiveAsync(), "too_large", "r1");
        await socket.AssertNothingAsync(f => f.Is("message", chatId), "stored message");
    }

    [Fact]
    public async Task Content_of_exactly_4000_characters_is_accepted()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();
        await using var socket = await alice.ConnectAsync();
        var content = new string('é', 4000);

        await socket.SendAsync(new { type = "send", @ref = "r1", chatId, clientMsgId = "k1", content });

        Assert.Equal(1, (await socket.ReceiveAsync("ack")).Number("seq"));
        Assert.Equal(content, (await socket.ReceiveAsync("message", chatId)).Text("content"));
    }

    [Fact]
    public async Task Empty_content_gets_bad_request()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();
        await using var socket = await alice.ConnectAsync();

        await socket.SendAsync(new { type = "send", @ref = "r1", chatId, clientMsgId = "k1", content = "" });

        Expect.Error(await socket.ReceiveAsync(), "bad_request", "r1");
    }

    [Fact]
    public async Task A_send_without_a_client_message_id_gets_bad_request_and_the_connection_stays_open()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();
        await using var socket = await alice.ConnectAsync();

        await socket.SendAsync(new { type = "send", @ref = "r1", chatId, content = "hi" });

        Expect.Error(await socket.ReceiveAsync(), "bad_request", "r1");
        await socket.RoundTripAsync();
    }

    [Fact]
    public async Task A_client_message_id_over_64_characters_gets_bad_request()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();
        await using var socket = await alice.ConnectAsync();

        await socket.SendAsync(new { type = "send", @ref = "r1", chatId, clientMsgId = new string('k', 65), content = "hi" });

        Expect.Error(await socket.ReceiveAsync(), "bad_request", "r1");
    }

    [Fact]
    public async Task A_content_that_is_not_a_string_gets_bad_request()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();
        await using var socket = await alice.ConnectAsync();

        await socket.SendAsync(new { type = "send", @ref = "r1", chatId, clientMsgId = "k1", content = 42 });

        Expect.Error(await socket.ReceiveAsync(), "bad_request", "r1");
    }
}
