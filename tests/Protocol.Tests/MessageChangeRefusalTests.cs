namespace OrleansChat.ProtocolTests;

/// <summary>
/// PROTOCOL.md 6.1's refusals: each with its code, storing nothing (the next text gets the next seq), leaving the
/// connection usable.
/// </summary>
[Collection(SharedServer.Name)]
public sealed class MessageChangeRefusalTests(ChatServerFixture fixture)
{
    private ChatServer Server => fixture.Server;

    public static TheoryData<string, string> ShapeRefusals => new()
    {
        { """{"kind":"poll","target":1,"content":"x"}""", "bad_request" },
        { """{"kind":5,"target":1,"content":"x"}""", "bad_request" },
        { """{"kind":"edit","content":"x"}""", "bad_request" },
        { """{"kind":"edit","target":"1","content":"x"}""", "bad_request" },
        { """{"kind":"edit","target":1.5,"content":"x"}""", "bad_request" },
        { """{"kind":"edit","target":1,"content":""}""", "bad_request" },
        { """{"kind":"delete","target":1,"content":"x"}""", "bad_request" },
        { """{"kind":"delete","target":1,"content":7}""", "bad_request" },
        { """{"kind":"reaction","target":1,"content":""}""", "bad_request" },
        { """{"kind":"reaction","target":1,"content":"x","remove":"yes"}""", "bad_request" },
        { """{"kind":"reaction","target":1,"content":"😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀"}""", "too_large" },
        { """{"kind":"text","content":"x","target":1}""", "bad_request" },
        { """{"content":"x","replyTo":"1"}""", "bad_request" },
        { """{"content":"x","replyTo":99}""", "bad_request" },
        { """{"content":"x","replyTo":-1}""", "bad_request" },
        { """{"content":"x","replyTo":2}""", "bad_request" },
        { """{"kind":"edit","target":99,"content":"x"}""", "not_found" },
        { """{"kind":"edit","target":-1,"content":"x"}""", "not_found" },
        { """{"kind":"reaction","target":0,"content":"👍"}""", "not_found" },
        { """{"kind":"edit","target":2,"content":"edit of an edit"}""", "not_found" },
        { """{"kind":"delete","target":3}""", "not_found" },
        { """{"kind":"reaction","target":3,"content":"👍"}""", "not_found" },
        { """{"kind":"edit","target":4,"content":"someone else's"}""", "forbidden" },
        { """{"kind":"delete","target":4}""", "forbidden" },
    };

    /// <summary>
    /// Seq 1 alice's text, 2 alice's edit of it, 3 alice's deleted text, 4 bob's text (alice is a member, bob the owner),
    /// 5 bob's (the owner's) delete of 3; then the refused frame, then a text that must get seq 6.
    /// </summary>
    [Theory]
    [MemberData(nameof(ShapeRefusals))]
    public async Task A_refused_change_answers_its_code_and_stores_nothing(string fields, string code)
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await bob.CreateGroupIdAsync(alice);
        await using var aliceSocket = await alice.ConnectAsync();
        await using var bobSocket = await bob.ConnectAsync();
        await Changes.SendAsync(aliceSocket, new { type = "send", chatId, clientMsgId = "a1", content = "one" });
        await Changes.SendAsync(aliceSocket, new { type = "send", chatId, clientMsgId = "a2", kind = "edit", target = 1, content = "one!" });
        await Changes.SendAsync(aliceSocket, new { type = "send", chatId, clientMsgId = "a3", content = "three" });
        await Changes.SendAsync(bobSocket, new { type = "send", chatId, clientMsgId = "b4", content = "four" });
        await Changes.SendAsync(bobSocket, new { type = "send", chatId, clientMsgId = "b5", kind = "delete", target = 3 });

        var frame = System.Text.Json.Nodes.JsonNode.Parse(fields)!.AsObject();
        frame["type"] = "send";
        frame["chatId"] = chatId;
        frame["clientMsgId"] = "refused";
        var answer = await Changes.AnswerAsync(aliceSocket, frame);

        Assert.True(answer.IsError(code), $"got {answer}");
        Assert.Equal(6, await Changes.SendAsync(aliceSocket, new { type = "send", chatId, clientMsgId = "a6", content = "six" }));
    }

    [Fact]
    public async Task A_change_to_a_message_of_another_chat_is_not_found()
    {
        var alice = Server.NewUser("alice");
        var (chatId, otherChatId) = (await alice.CreateGroupIdAsync(), await alice.CreateGroupIdAsync());
        await using var socket = await alice.ConnectAsync();
        await Changes.SendAsync(socket, new { type = "send", chatId = otherChatId, clientMsgId = "k1", content = "there" });
        await Changes.SendAsync(socket, new { type = "send", chatId = otherChatId, clientMsgId = "k2", content = "there" });

        var answer = await Changes.AnswerAsync(socket, new { type = "send", chatId, clientMsgId = "k3", kind = "edit", target = 2, content = "x" });

        Assert.True(answer.IsError("not_found"), $"got {answer}");
        Assert.Equal(1, await Changes.SendAsync(socket, new { type = "send", chatId, clientMsgId = "k4", content = "here" }));
    }

    [Fact]
    public async Task A_reaction_of_sixteen_characters_is_stored()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();
        await using var socket = await alice.ConnectAsync();
        var target = await Changes.SendAsync(socket, new { type = "send", chatId, clientMsgId = "k1", content = "hi" });

        var seq = await Changes.SendAsync(socket, new { type = "send", chatId, clientMsgId = "k2", kind = "reaction", target, content = string.Concat(Enumerable.Repeat("😀", 16)) });

        Assert.Equal(2, seq);
        var reaction = (await alice.GetMessagesAsync(chatId, "?afterSeq=1")).Items("messages").Single();
        Assert.Equal(("reaction", target), (reaction.Text("kind"), reaction.Number("target")));
    }

    [Fact]
    public async Task A_second_delete_of_the_same_message_in_one_batch_is_not_found()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();
        await using var socket = await alice.ConnectAsync();
        var target = await Changes.SendAsync(socket, new { type = "send", chatId, clientMsgId = "k1", content = "hi" });

        // Written back to back so that they may share one batch; either way the second finds a tombstone.
        await socket.SendAsync(new { type = "send", @ref = "d1", chatId, clientMsgId = "k2", kind = "delete", target });
        await socket.SendAsync(new { type = "send", @ref = "d2", chatId, clientMsgId = "k3", kind = "delete", target });

        Assert.Equal(2, (await socket.ReceiveUntilAsync(f => f.TextOrNull("ref") == "d1")).Number("seq"));
        Assert.True((await socket.ReceiveUntilAsync(f => f.TextOrNull("ref") == "d2")).IsError("not_found"));
        Assert.Equal(3, await Changes.SendAsync(socket, new { type = "send", chatId, clientMsgId = "k4", content = "after" }));
    }
}
