using System.Text.Json;

namespace OrleansChat.ProtocolTests;

/// <summary>PROTOCOL.md 6.1 and 6.2 over WebSocket: edits, deletes, reactions and replies, each an event with its own seq.</summary>
[Collection(SharedServer.Name)]
public sealed class MessageChangeTests(ChatServerFixture fixture)
{
    private const string ChangeFields = "type,chatId,seq,kind,target,content,senderId,messageId,sentAt,clientMsgId";

    private ChatServer Server => fixture.Server;

    [Fact]
    public async Task An_edit_gets_its_own_seq_and_reaches_members_as_the_edit_frame_of_the_protocol()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        await using var sending = await alice.ConnectAsync();
        await using var receiving = await bob.ConnectAsync();
        var target = await Changes.SendAsync(sending, new { type = "send", chatId, clientMsgId = "k1", content = "fixd typo" });

        var ack = await Changes.SendAsync(sending, new { type = "send", chatId, clientMsgId = "k2", kind = "edit", target, content = $"fixed typo @{bob.Id}" });

        Assert.Equal(target + 1, ack);
        var frame = await receiving.ReceiveAsync("message", chatId, f => f.Number("seq") == ack);
        Assert.Equal(ChangeFields + ",mentions", Changes.FieldNames(frame));
        Assert.Equal(("edit", target, $"fixed typo @{bob.Id}", alice.Id, "k2"), Changes.Summary(frame));
        Assert.Equal([bob.Id], frame.GetProperty("mentions").EnumerateArray().Select(m => m.GetString()));
    }

    [Fact]
    public async Task A_reaction_and_a_delete_reach_members_as_the_frames_of_the_protocol()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        await using var aliceSocket = await alice.ConnectAsync();
        await using var bobSocket = await bob.ConnectAsync();
        var target = await Changes.SendAsync(aliceSocket, new { type = "send", chatId, clientMsgId = "k1", content = "hello" });

        var reaction = await Changes.SendAsync(bobSocket, new { type = "send", chatId, clientMsgId = "k3", kind = "reaction", target, content = "👍" });
        var delete = await Changes.SendAsync(aliceSocket, new { type = "send", chatId, clientMsgId = "k4", kind = "delete", target });

        var reactionFrame = await aliceSocket.ReceiveAsync("message", chatId, f => f.Number("seq") == reaction);
        var deleteFrame = await bobSocket.ReceiveAsync("message", chatId, f => f.Number("seq") == delete);
        Assert.Equal((target + 1, target + 2), (reaction, delete));
        Assert.Equal(ChangeFields, Changes.FieldNames(reactionFrame));
        Assert.Equal(("reaction", target, "👍", bob.Id, "k3"), Changes.Summary(reactionFrame));
        Assert.Equal(ChangeFields, Changes.FieldNames(deleteFrame));
        Assert.Equal(("delete", target, "", alice.Id, "k4"), Changes.Summary(deleteFrame));
    }

    [Fact]
    public async Task A_text_frame_carries_kind_text_its_reply_and_the_members_it_mentions()
    {
        var (alice, bob, carol) = (Server.NewUser("alice"), Server.NewUser("bob"), Server.NewUser("carol"));
        var chatId = await alice.CreateGroupIdAsync(bob, carol);
        await using var socket = await alice.ConnectAsync();
        var first = await Changes.SendAsync(socket, new { type = "send", chatId, clientMsgId = "k1", content = "question" });

        var content = $"@{bob.Id} and @{carol.Id}, not @nobody nor x@{bob.Id} but @{bob.Id}\t@{carol.Id}";
        var reply = await Changes.SendAsync(socket, new { type = "send", chatId, clientMsgId = "k2", content, replyTo = first });

        var frame = await socket.ReceiveAsync("message", chatId, f => f.Number("seq") == reply);
        Assert.Equal("text", frame.Text("kind"));
        Assert.Equal(first, frame.Number("replyTo"));
        Assert.Equal([bob.Id, carol.Id], frame.GetProperty("mentions").EnumerateArray().Select(m => m.GetString()));
    }

    [Fact]
    public async Task The_same_change_sent_twice_returns_the_first_ack_and_is_delivered_once()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();
        await using var socket = await alice.ConnectAsync();
        var target = await Changes.SendAsync(socket, new { type = "send", chatId, clientMsgId = "k1", content = "hello" });
        var edit = new { type = "send", chatId, clientMsgId = "k2", kind = "edit", target, content = "hello again" };

        var first = await Changes.SendAsync(socket, edit);
        var second = await Changes.SendAsync(socket, edit);
        var next = await Changes.SendAsync(socket, new { type = "send", chatId, clientMsgId = "k3", content = "after" });

        Assert.Equal((first, first + 1), (second, next));
        var history = (await alice.GetMessagesAsync(chatId, "?afterSeq=0")).Items("messages");
        Assert.Equal([(target, "text"), (first, "edit"), (next, "text")], history.Select(m => (m.Number("seq"), m.Text("kind"))));
    }

    [Fact]
    public async Task The_groups_owner_may_delete_a_members_message()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        await using var aliceSocket = await alice.ConnectAsync();
        await using var bobSocket = await bob.ConnectAsync();
        var target = await Changes.SendAsync(bobSocket, new { type = "send", chatId, clientMsgId = "k1", content = "oops" });

        var delete = await Changes.SendAsync(aliceSocket, new { type = "send", chatId, clientMsgId = "k2", kind = "delete", target });

        Assert.Equal(target + 1, delete);
        var text = (await bob.GetMessagesAsync(chatId, "?afterSeq=0")).Items("messages")[0];
        Assert.True(text.Flag("deleted"));
    }
}

/// <summary>Sending changes and reading their frames.</summary>
internal static class Changes
{
    /// <summary>Sends a frame with a fresh ref and returns its ack's seq (fails on an error).</summary>
    public static async Task<long> SendAsync(ChatSocket socket, object frame)
    {
        var answer = await AnswerAsync(socket, frame);
        Assert.True(answer.Type() == "ack", $"got {answer}");
        return answer.Number("seq");
    }

    /// <summary>Sends a frame with a fresh ref and returns the ack or error that answers it.</summary>
    public static async Task<JsonElement> AnswerAsync(ChatSocket socket, object frame)
    {
        var reference = socket.NextRef();
        var fields = JsonSerializer.SerializeToNode(frame)!.AsObject();
        fields["ref"] = reference;
        await socket.SendTextAsync(fields.ToJsonString());
        return await socket.ReceiveUntilAsync(f => f.Type() is "ack" or "error" && f.TextOrNull("ref") == reference);
    }

    public static string FieldNames(JsonElement frame) => string.Join(",", frame.EnumerateObject().Select(p => p.Name));

    public static (string Kind, long Target, string Content, string SenderId, string ClientMsgId) Summary(JsonElement frame) =>
        (frame.Text("kind"), frame.Number("target"), frame.Text("content"), frame.Text("senderId"), frame.Text("clientMsgId"));
}
