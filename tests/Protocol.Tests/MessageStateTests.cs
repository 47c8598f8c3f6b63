using System.Net;
using System.Text.Json;

namespace OrleansChat.ProtocolTests;

/// <summary>PROTOCOL.md 6.3: texts in history and sync carry their current state; change events keep their own seqs.</summary>
[Collection(SharedServer.Name)]
public sealed class MessageStateTests(ChatServerFixture fixture)
{
    private ChatServer Server => fixture.Server;

    [Fact]
    public async Task History_and_sync_show_edited_deleted_and_reacted_texts_as_they_are_now()
    {
        var (alice, bob, carol) = (Server.NewUser("alice"), Server.NewUser("bob"), Server.NewUser("carol"));
        var chatId = await alice.CreateGroupIdAsync(bob, carol);
        await using var aliceSocket = await alice.ConnectAsync();
        await using var bobSocket = await bob.ConnectAsync();
        await using var carolSocket = await carol.ConnectAsync();
        var edited = await Changes.SendAsync(aliceSocket, new { type = "send", chatId, clientMsgId = "k1", content = "draft" });
        var deleted = await Changes.SendAsync(aliceSocket, new { type = "send", chatId, clientMsgId = "k2", content = "secret" });
        var reacted = await Changes.SendAsync(bobSocket, new { type = "send", chatId, clientMsgId = "k3", content = "vote" });
        await Changes.SendAsync(aliceSocket, new { type = "send", chatId, clientMsgId = "k4", kind = "edit", target = edited, content = $"final @{carol.Id}" });
        await Changes.SendAsync(aliceSocket, new { type = "send", chatId, clientMsgId = "k5", kind = "edit", target = deleted, content = "secret 2" });
        await Changes.SendAsync(aliceSocket, new { type = "send", chatId, clientMsgId = "k6", kind = "delete", target = deleted });
        await Changes.SendAsync(carolSocket, new { type = "send", chatId, clientMsgId = "k7", kind = "reaction", target = reacted, content = "👍" });
        await Changes.SendAsync(bobSocket, new { type = "send", chatId, clientMsgId = "k8", kind = "reaction", target = reacted, content = "🎉" });
        await Changes.SendAsync(bobSocket, new { type = "send", chatId, clientMsgId = "k9", kind = "reaction", target = reacted, content = "👍" });
        await Changes.SendAsync(carolSocket, new { type = "send", chatId, clientMsgId = "k10", kind = "reaction", target = reacted, content = "❤️" });
        await Changes.SendAsync(carolSocket, new { type = "send", chatId, clientMsgId = "k11", kind = "reaction", target = reacted, content = "❤️", remove = true });

        var history = (await alice.GetMessagesAsync(chatId, "?afterSeq=0")).Items("messages");
        await using var reconnected = await alice.ConnectAsync();
        await reconnected.SendAsync(new { type = "sync", @ref = "s1", chats = new[] { new { chatId, afterSeq = 0 } } });
        var (synced, _) = await reconnected.ReceiveSyncedAsync("s1");

        foreach (var items in new[] { history, synced.ToArray() })
        {
            Assert.Equal(Enumerable.Range(1, 11).Select(i => (long)i), items.Select(m => m.Number("seq")));
            Assert.Equal(
                ["text", "text", "text", "edit", "edit", "delete", "reaction", "reaction", "reaction", "reaction", "reaction"],
                items.Select(m => m.Text("kind")));
            var first = items[0];
            Assert.Equal($"final @{carol.Id}", first.Text("content"));
            Expect.IsoUtcMillis(first.Text("editedAt"));
            Assert.Equal([carol.Id], first.GetProperty("mentions").EnumerateArray().Select(m => m.GetString()));
            var tombstone = items[1];
            Assert.Equal(("", true), (tombstone.Text("content"), tombstone.Flag("deleted")));
            Assert.False(tombstone.TryGetProperty("reactions", out _), $"got {tombstone}");
            Assert.Equal("", items[4].Text("content"));
            Assert.Equal(
                [("👍", $"{carol.Id},{bob.Id}"), ("🎉", bob.Id)],
                items[2].GetProperty("reactions").EnumerateArray()
                    .Select(r => (r.Text("content"), string.Join(",", r.GetProperty("userIds").EnumerateArray().Select(u => u.GetString())))));
            Assert.False(items[2].TryGetProperty("editedAt", out _), $"got {items[2]}");
            Assert.True(items[10].Flag("remove"));
        }
    }

    [Fact]
    public async Task A_change_over_rest_answers_201_and_its_repeat_answers_the_same()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        var target = (await alice.PostMessageAsync(chatId, "hello")).Number("seq");
        var path = $"chats/{ChatUser.Escape(chatId)}/messages";
        var reaction = new { clientMsgId = "r1", kind = "reaction", target, content = "👍" };

        using var first = await bob.PostAsync(path, reaction);
        var firstBody = await first.ReadTextAsync();
        using var second = await bob.PostAsync(path, reaction);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(firstBody, await second.ReadTextAsync());
        Assert.Equal(target + 1, JsonDocument.Parse(firstBody).RootElement.Number("seq"));
        var stored = (await alice.GetMessagesAsync(chatId, $"?afterSeq={target}")).Items("messages").Single();
        Assert.Equal(("reaction", target, bob.Id), (stored.Text("kind"), stored.Number("target"), stored.Text("senderId")));
    }

    [Theory]
    [InlineData("""{"clientMsgId":"c","kind":"edit","target":1,"content":"not yours"}""", HttpStatusCode.Forbidden, "forbidden")]
    [InlineData("""{"clientMsgId":"c","kind":"delete","target":7}""", HttpStatusCode.NotFound, "not_found")]
    [InlineData("""{"clientMsgId":"c","kind":"delete","target":1,"content":"x"}""", HttpStatusCode.BadRequest, "bad_request")]
    [InlineData("""{"clientMsgId":"c","kind":"edit","target":"1","content":"x"}""", HttpStatusCode.BadRequest, "bad_request")]
    [InlineData("""{"clientMsgId":"c","kind":"reaction","target":1,"content":"12345678901234567"}""", HttpStatusCode.RequestEntityTooLarge, "too_large")]
    public async Task A_refused_change_over_rest_answers_its_problem_and_stores_nothing(string body, HttpStatusCode status, string code)
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        await alice.PostMessageAsync(chatId, "hello");
        using var response = await bob.PostAsync($"chats/{ChatUser.Escape(chatId)}/messages", body);

        await Expect.ProblemAsync(response, status, code);
        Assert.Equal(2, (await bob.PostMessageAsync(chatId, "next")).Number("seq"));
    }
}
