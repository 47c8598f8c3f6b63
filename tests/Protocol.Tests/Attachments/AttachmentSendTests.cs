using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OrleansChat.Persistence.Attachments;

namespace OrleansChat.ProtocolTests.Attachments;

/// <summary>
/// PROTOCOL.md 7 on sends: a text carries uploads of its sender, members see attachment objects live, in history and in
/// sync, members (and only they) download them, and deleting the message removes them.
/// </summary>
[Collection(AttachmentServer.Name)]
public sealed class AttachmentSendTests(AttachmentServerFixture fixture)
{
    private const string TextFields = "type,chatId,seq,kind,messageId,senderId,content,sentAt,clientMsgId,mentions,attachments";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ChatServer Server => fixture.Server;

    private IAttachmentStore Store => Server.Services.GetRequiredService<IAttachmentStore>();

    [Fact]
    public async Task A_text_with_attachments_and_no_content_reaches_members_with_attachment_objects()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        var image = await UploadAsync(alice, Samples.Image(40, 30), "dot.png");
        var document = await UploadAsync(alice, Samples.Pdf(), "report.pdf");
        await using var sending = await alice.ConnectAsync();
        await using var receiving = await bob.ConnectAsync();

        var seq = await Changes.SendAsync(sending, new { type = "send", chatId, clientMsgId = "k1", content = "", attachments = new[] { image, document } });

        var frame = await receiving.ReceiveAsync("message", chatId, f => f.Number("seq") == seq);
        Assert.Equal(TextFields, Changes.FieldNames(frame));
        Assert.Equal("", frame.Text("content"));
        Assert.Equal(
            $$"""[{"attachmentId":"{{image}}","name":"dot.png","contentType":"image/png","size":{{Samples.Image(40, 30).Length}},"width":40,"height":30},{"attachmentId":"{{document}}","name":"report.pdf","contentType":"application/pdf","size":{{Samples.Pdf().Length}}}]""",
            frame.GetProperty("attachments").GetRawText());
        var history = Assert.Single((await bob.GetMessagesAsync(chatId, "?afterSeq=0")).Items("messages"));
        Assert.Equal(frame.GetProperty("attachments").GetRawText(), history.GetProperty("attachments").GetRawText());
        await receiving.SendAsync(new { type = "sync", @ref = "s1", chats = new[] { new { chatId, afterSeq = 0 } } });
        var (synced, _) = await receiving.ReceiveSyncedAsync("s1");
        Assert.Equal(frame.GetProperty("attachments").GetRawText(), Assert.Single(synced).GetProperty("attachments").GetRawText());
    }

    [Fact]
    public async Task A_text_lists_its_attachments_in_the_order_the_send_named_them_live_in_history_and_in_sync()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        var first = await UploadAsync(alice, Samples.Text(10), "first.txt");
        var second = await UploadAsync(alice, Samples.Image(4, 3), "second.png");
        var third = await UploadAsync(alice, Samples.Pdf(), "third.pdf");
        await using var sending = await alice.ConnectAsync();
        await using var receiving = await bob.ConnectAsync();
        string[] named = [third, first, second];

        var seq = await Changes.SendAsync(sending, new { type = "send", chatId, clientMsgId = "k1", content = "", attachments = named });

        var live = await receiving.ReceiveAsync("message", chatId, f => f.Number("seq") == seq);
        var history = Assert.Single((await bob.GetMessagesAsync(chatId, "?afterSeq=0")).Items("messages"));
        await receiving.SendAsync(new { type = "sync", @ref = "s1", chats = new[] { new { chatId, afterSeq = 0 } } });
        var (synced, _) = await receiving.ReceiveSyncedAsync("s1");
        Assert.Equal(named, live.Items("attachments").Select(a => a.Text("attachmentId")));
        Assert.Equal(named, history.Items("attachments").Select(a => a.Text("attachmentId")));
        Assert.Equal(named, Assert.Single(synced).Items("attachments").Select(a => a.Text("attachmentId")));
    }

    [Fact]
    public async Task A_text_posted_over_REST_carries_its_attachments_and_a_plain_text_has_none()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        var document = await UploadAsync(alice, Samples.Text(100), "notes.txt");

        using var posted = await alice.PostAsync($"chats/{chatId}/messages", new { clientMsgId = "k1", content = "see notes", attachments = new[] { document } });
        await alice.PostMessageAsync(chatId, "plain", "k2");

        var ack = await Expect.StatusAsync(posted, HttpStatusCode.Created);
        Assert.Equal("chatId,clientMsgId,messageId,seq,sentAt", Changes.FieldNames(ack));
        var messages = (await bob.GetMessagesAsync(chatId, "?afterSeq=0")).Items("messages");
        Assert.Equal([document], messages[0].Items("attachments").Select(a => a.Text("attachmentId")));
        Assert.False(messages[1].TryGetProperty("attachments", out _));
        Assert.Equal((chatId, (long?)1), await LinkOf(document));
    }

    [Theory]
    [InlineData("an unknown id")]
    [InlineData("a malformed id")]
    [InlineData("someone else's upload")]
    [InlineData("an upload another message carries")]
    [InlineData("the same upload twice")]
    [InlineData("eleven uploads")]
    [InlineData("a string for the list")]
    [InlineData("a number in the list")]
    [InlineData("attachments on an edit")]
    [InlineData("attachments on a delete")]
    [InlineData("attachments on a reaction")]
    [InlineData("no content and no attachments")]
    public async Task A_send_with_bad_attachments_gets_bad_request_and_stores_nothing(string mistake)
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        var own = await UploadAsync(alice, Samples.Text(10), "a.txt");
        await using var socket = await alice.ConnectAsync();
        var target = await Changes.SendAsync(socket, new { type = "send", chatId, clientMsgId = "k1", content = "first" });
        var (frame, orphans) = await BadSendAsync(mistake, alice, bob, chatId, target, own);

        var answer = await Changes.AnswerAsync(socket, frame);

        Expect.Error(answer, "bad_request", answer.TextOrNull("ref"));
        Assert.Equal(target + 1, await Changes.SendAsync(socket, new { type = "send", chatId, clientMsgId = "k9", content = "next" }));
        foreach (var orphan in orphans)
        {
            Assert.Equal(((string?)null, (long?)null), await LinkOf(orphan));
        }
    }

    [Theory]
    [InlineData("an unknown id")]
    [InlineData("someone else's upload")]
    [InlineData("eleven uploads")]
    [InlineData("a number in the list")]
    [InlineData("attachments on a delete")]
    public async Task A_REST_send_with_bad_attachments_gets_400_and_stores_nothing(string mistake)
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        var own = await UploadAsync(alice, Samples.Text(10), "a.txt");
        var target = (await alice.PostMessageAsync(chatId, "first", "k1")).Number("seq");
        var (frame, orphans) = await BadSendAsync(mistake, alice, bob, chatId, target, own);
        var body = JsonSerializer.SerializeToNode(frame)!.AsObject();
        body.Remove("type");
        body.Remove("chatId");

        using var response = await alice.SendAsync(HttpMethod.Post, $"chats/{chatId}/messages", body);

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "bad_request");
        Assert.Equal(target + 1, (await alice.PostMessageAsync(chatId, "next", "k9")).Number("seq"));
        foreach (var orphan in orphans)
        {
            Assert.Equal(((string?)null, (long?)null), await LinkOf(orphan));
        }
    }

    [Fact]
    public async Task Sending_the_same_client_message_id_with_attachments_twice_returns_the_first_ack_and_delivers_once()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();
        var upload = await UploadAsync(alice, Samples.Text(10), "a.txt");
        await using var socket = await alice.ConnectAsync();
        var send = new { type = "send", chatId, clientMsgId = "k1", content = "x", attachments = new[] { upload } };

        var first = await Changes.SendAsync(socket, send);
        var again = await Changes.SendAsync(socket, send);
        using var overRest = await alice.PostAsync($"chats/{chatId}/messages", new { clientMsgId = "k1", content = "x", attachments = new[] { upload } });

        Assert.Equal((1L, 1L), (first, again));
        Assert.Equal(1, (await Expect.StatusAsync(overRest, HttpStatusCode.Created)).Number("seq"));
        var stored = Assert.Single((await alice.GetMessagesAsync(chatId, "?afterSeq=0")).Items("messages"));
        Assert.Equal([upload], stored.Items("attachments").Select(a => a.Text("attachmentId")));
    }

    [Fact]
    public async Task Two_sends_racing_for_one_upload_store_exactly_one_message()
    {
        var alice = Server.NewUser("alice");
        var (first, second) = (await alice.CreateGroupIdAsync(), await alice.CreateGroupIdAsync());
        var upload = await UploadAsync(alice, Samples.Text(10), "a.txt");
        await using var socket = await alice.ConnectAsync();

        await socket.SendAsync(new { type = "send", @ref = "a", chatId = first, clientMsgId = "k1", content = "x", attachments = new[] { upload } });
        await socket.SendAsync(new { type = "send", @ref = "b", chatId = second, clientMsgId = "k1", content = "x", attachments = new[] { upload } });
        var a = await socket.ReceiveUntilAsync(f => f.Type() is "ack" or "error" && f.TextOrNull("ref") == "a");
        var b = await socket.ReceiveUntilAsync(f => f.Type() is "ack" or "error" && f.TextOrNull("ref") == "b");

        Assert.Equal(["ack", "error"], new[] { a.Type(), b.Type() }.Order(StringComparer.Ordinal));
        var (winner, loser) = a.Type() == "ack" ? (first, second) : (second, first);
        Expect.Error(a.Type() == "ack" ? b : a, "bad_request", a.Type() == "ack" ? "b" : "a");
        Assert.Equal((winner, (long?)1), await LinkOf(upload));
        Assert.Empty((await alice.GetMessagesAsync(loser, "?afterSeq=0")).Items("messages"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("/thumbnail")]
    public async Task Members_of_the_chat_download_a_carried_attachment_while_others_and_removed_members_get_404(string suffix)
    {
        var (alice, bob, carol, mallory) = (Server.NewUser("alice"), Server.NewUser("bob"), Server.NewUser("carol"), Server.NewUser("mallory"));
        var chatId = await alice.CreateGroupIdAsync(bob, carol);
        var image = await UploadAsync(alice, Samples.Image(60, 40), "photo.png");
        await using var socket = await alice.ConnectAsync();
        await Changes.SendAsync(socket, new { type = "send", chatId, clientMsgId = "k1", content = "look", attachments = new[] { image } });
        await alice.RemoveMemberAsync(chatId, carol);

        using var member = await fixture.GetAsync(bob, $"attachments/{image}{suffix}");
        using var removed = await fixture.GetAsync(carol, $"attachments/{image}{suffix}");
        using var stranger = await fixture.GetAsync(mallory, $"attachments/{image}{suffix}");

        Assert.Equal(HttpStatusCode.OK, member.StatusCode);
        if (suffix == "")
        {
            Assert.Equal(Samples.Image(60, 40), await member.Content.ReadAsByteArrayAsync(Ct));
        }

        await Expect.ProblemAsync(removed, HttpStatusCode.NotFound, "not_found");
        await Expect.ProblemAsync(stranger, HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Deleting_the_message_removes_its_attachments_row_and_file_and_everyone_then_gets_404()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        var (image, document) = (await UploadAsync(alice, Samples.Image(20, 20), "a.png"), await UploadAsync(alice, Samples.Pdf(), "b.pdf"));
        await using var socket = await alice.ConnectAsync();
        var target = await Changes.SendAsync(socket, new { type = "send", chatId, clientMsgId = "k1", content = "two files", attachments = new[] { image, document } });
        Assert.Contains(fixture.StoredFiles(), f => Path.GetFileName(f) == Guid.Parse(image).ToString("N"));

        await Changes.SendAsync(socket, new { type = "send", chatId, clientMsgId = "k2", kind = "delete", target });

        foreach (var id in new[] { image, document })
        {
            foreach (var user in new[] { alice, bob })
            {
                using var download = await fixture.GetAsync(user, $"attachments/{id}");
                await Expect.ProblemAsync(download, HttpStatusCode.NotFound, "not_found");
            }

            Assert.Null(await Store.FindAsync(Guid.Parse(id), Ct));
            Assert.DoesNotContain(fixture.StoredFiles(), f => Path.GetFileName(f).StartsWith(Guid.Parse(id).ToString("N"), StringComparison.Ordinal));
        }

        var tombstone = (await bob.GetMessagesAsync(chatId, "?afterSeq=0")).Items("messages")[0];
        Assert.True(tombstone.Flag("deleted"));
        Assert.False(tombstone.TryGetProperty("attachments", out _));
        await using var later = await bob.ConnectAsync();
        await later.SendAsync(new { type = "sync", @ref = "s1", chats = new[] { new { chatId, afterSeq = 0 } } });
        var (synced, _) = await later.ReceiveSyncedAsync("s1");
        Assert.Equal((target, true), (synced[0].Number("seq"), synced[0].Flag("deleted")));
        Assert.False(synced[0].TryGetProperty("attachments", out _));
    }

    /// <summary>A send that breaks one rule of PROTOCOL.md 7, and the uploads that must stay orphans after it.</summary>
    private async Task<(object Frame, string[] Orphans)> BadSendAsync(string mistake, ChatUser alice, ChatUser bob, string chatId, long target, string own)
    {
        switch (mistake)
        {
            case "an unknown id":
                return (Text(chatId, [Guid.NewGuid().ToString()]), []);
            case "a malformed id":
                return (Text(chatId, [own.ToUpperInvariant()]), [own]);
            case "someone else's upload":
                var bobs = await UploadAsync(bob, Samples.Text(10), "b.txt");
                return (Text(chatId, [bobs]), [bobs]);
            case "an upload another message carries":
                var other = await alice.CreateGroupIdAsync();
                using (var carried = await alice.PostAsync($"chats/{other}/messages", new { clientMsgId = "o1", content = "mine", attachments = new[] { own } }))
                {
                    await Expect.StatusAsync(carried, HttpStatusCode.Created);
                }

                return (Text(chatId, [own]), []);
            case "the same upload twice":
                return (Text(chatId, [own, own]), [own]);
            case "eleven uploads":
                var many = new List<string> { own };
                for (var i = 0; i < 10; i++)
                {
                    many.Add(await UploadAsync(alice, Samples.Text(10), $"{i}.txt"));
                }

                return (Text(chatId, [.. many]), [.. many]);
            case "a string for the list":
                return (new { type = "send", chatId, clientMsgId = "k2", content = "x", attachments = own }, [own]);
            case "a number in the list":
                return (new { type = "send", chatId, clientMsgId = "k2", content = "x", attachments = new object[] { own, 7 } }, [own]);
            case "attachments on an edit":
                return (new { type = "send", chatId, clientMsgId = "k2", kind = "edit", target, content = "x", attachments = new[] { own } }, [own]);
            case "attachments on a delete":
                return (new { type = "send", chatId, clientMsgId = "k2", kind = "delete", target, attachments = new[] { own } }, [own]);
            case "attachments on a reaction":
                return (new { type = "send", chatId, clientMsgId = "k2", kind = "reaction", target, content = "👍", attachments = new[] { own } }, [own]);
            default:
                return (new { type = "send", chatId, clientMsgId = "k2", content = "", attachments = Array.Empty<string>() }, [own]);
        }
    }

    private static object Text(string chatId, string[] attachments) =>
        new { type = "send", chatId, clientMsgId = "k2", content = "x", attachments };

    private async Task<string> UploadAsync(ChatUser user, byte[] bytes, string name)
    {
        using var response = await fixture.UploadAsync(user, bytes, name);
        return (await Expect.StatusAsync(response, HttpStatusCode.Created)).Text("attachmentId");
    }

    /// <summary>The message an upload's row names as carrying it (null, null for an orphan), read from the store.</summary>
    private async Task<(string? ChatId, long? Seq)> LinkOf(string attachmentId)
    {
        var record = await Store.FindAsync(Guid.Parse(attachmentId), Ct);
        Assert.NotNull(record);
        return (record.ChatId, record.Seq);
    }
}
