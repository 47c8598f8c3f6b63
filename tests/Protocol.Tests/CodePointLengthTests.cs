using System.Net;
using System.Text;

namespace OrleansChat.ProtocolTests;

/// <summary>PROTOCOL.md 1: lengths in characters count Unicode code points; an emoji made of a surrogate pair is one.</summary>
[Collection(SharedServer.Name)]
public sealed class CodePointLengthTests(ChatServerFixture fixture)
{
    /// <summary>U+1F600, two UTF-16 units and four UTF-8 bytes.</summary>
    private const string Emoji = "😀";

    private ChatServer Server => fixture.Server;

    private static string Emojis(int count) => new StringBuilder(Emoji.Length * count).Insert(0, Emoji, count).ToString();

    [Fact]
    public async Task Content_of_4000_emoji_is_stored_and_4001_emoji_get_too_large_over_WebSocket()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();
        await using var socket = await alice.ConnectAsync();

        await socket.SendAsync(new { type = "send", @ref = "r1", chatId, clientMsgId = "k1", content = Emojis(4000) });
        await socket.SendAsync(new { type = "send", @ref = "r2", chatId, clientMsgId = "k2", content = Emojis(4001) });

        await socket.ReceiveAsync("ack", where: f => f.TextOrNull("ref") == "r1");
        Expect.Error(await socket.ReceiveAsync("error"), "too_large", "r2");
        var stored = (await alice.GetMessagesAsync(chatId)).Items("messages").Single();
        Assert.Equal(Emojis(4000), stored.Text("content"));
    }

    [Fact]
    public async Task Content_of_4000_emoji_answers_201_and_4001_emoji_answer_413_over_REST()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();

        await alice.PostMessageAsync(chatId, Emojis(4000), "k1");
        using var over = await alice.PostAsync($"chats/{chatId}/messages", new { clientMsgId = "k2", content = Emojis(4001) });

        await Expect.ProblemAsync(over, HttpStatusCode.RequestEntityTooLarge, "too_large");
    }

    [Fact]
    public async Task A_client_message_id_and_a_ref_of_64_emoji_are_accepted_and_65_are_not()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();
        await using var socket = await alice.ConnectAsync();

        await socket.SendAsync(new { type = "send", @ref = Emojis(64), chatId, clientMsgId = Emojis(64), content = "hi" });
        var ack = await socket.ReceiveAsync("ack");
        Assert.Equal(Emojis(64), ack.Text("ref"));
        Assert.Equal(Emojis(64), ack.Text("clientMsgId"));

        await socket.SendAsync(new { type = "send", @ref = "r2", chatId, clientMsgId = Emojis(65), content = "hi" });
        Expect.Error(await socket.ReceiveAsync("error"), "bad_request", "r2");
        await socket.SendAsync(new { type = "ping", @ref = Emojis(65) });
        Expect.Error(await socket.ReceiveAsync("error"), "bad_request");
    }

    [Fact]
    public async Task A_group_title_of_200_emoji_is_accepted()
    {
        var alice = Server.NewUser("alice");

        var chat = await alice.CreateGroupAsync(Emojis(200));

        Assert.Equal(Emojis(200), chat.Text("title"));
    }
}
