using OrleansChat.Persistence.Attachments;

namespace OrleansChat.Persistence.Tests;

/// <summary>
/// Attachments on texts (PROTOCOL.md 7): a text links its uploads in its own transaction, reads back with their objects,
/// and a delete of it removes their rows and bytes. The attachment store works over the same database as the messages.
/// </summary>
public abstract partial class MessageStoreConformanceTests
{
    /// <summary>The attachment store over the database of <see cref="Store"/>.</summary>
    protected abstract IAttachmentStore Attachments { get; }

    /// <summary>Whether any bytes of the attachment are still kept (its file, or its chunks), looked at past the stores.</summary>
    protected abstract ValueTask<bool> AttachmentBytesExistAsync(Guid attachmentId);

    [Fact]
    public async Task A_text_links_its_uploads_in_its_append_and_reads_back_with_them_in_upload_order()
    {
        var chat = NewChatId();
        var later = await UploadAsync("alice", T0.AddSeconds(2), width: 40, height: 30);
        var earlier = await UploadAsync("alice", T0.AddSeconds(1));
        MessageAttachment[] carried = [MessageAttachment.From(earlier), MessageAttachment.From(later)];

        var stored = Assert.Single(await Append(chat, 0, Message("c1", content: "") with { Attachments = carried }));

        Assert.Equal(carried, stored.Message.Attachments);
        Assert.Equal(stored.Message, Assert.Single(await ReadAll(chat)));
        Assert.Equal(stored.Message, await Store.GetLastAsync(chat, Ct));
        Assert.Equal(stored.Message, await Store.FindByClientMsgIdAsync(chat, "alice", "c1", Ct));
        Assert.Equal((40, 30), (carried[1].Width, carried[1].Height));
        foreach (var id in new[] { earlier.AttachmentId, later.AttachmentId })
        {
            var record = await Attachments.FindAsync(id, Ct);
            Assert.Equal((chat, (long?)1), (record!.ChatId, record.Seq));
        }
    }

    [Fact]
    public async Task A_text_lists_its_attachments_in_the_order_its_send_named_them_in_every_read()
    {
        var chat = NewChatId();
        var first = await UploadAsync("alice", T0);
        var second = await UploadAsync("alice", T0.AddSeconds(1));
        var third = await UploadAsync("alice", T0.AddSeconds(2));
        MessageAttachment[] sent = [MessageAttachment.From(third), MessageAttachment.From(first), MessageAttachment.From(second)];

        var stored = Assert.Single(await Append(chat, 0, Message("c1", content: "") with { Attachments = sent }));

        Assert.Equal(sent, stored.Message.Attachments);
        Assert.Equal(sent, Assert.Single(await ReadAll(chat)).Attachments);
        Assert.Equal(sent, (await Store.GetLastAsync(chat, Ct))!.Attachments);
        Assert.Equal(sent, (await Store.FindByClientMsgIdAsync(chat, "alice", "c1", Ct))!.Attachments);
    }

    [Fact]
    public async Task A_text_with_attachments_and_no_content_has_a_push_preview_naming_what_it_carries()
    {
        var chat = NewChatId();
        var photo = await UploadAsync("alice", T0, width: 4, height: 3, name: "photo.png");
        var (one, two) = (await UploadAsync("alice", T0), await UploadAsync("alice", T0));
        var captioned = await UploadAsync("alice", T0);
        PushTarget[] phone = [new("bob", "phone")];

        await Append(
            chat,
            0,
            Message("c1", content: "", targets: phone) with { Attachments = [MessageAttachment.From(photo)] },
            Message("c2", content: "", targets: phone) with { Attachments = [MessageAttachment.From(one), MessageAttachment.From(two)] },
            Message("c3", content: "look at this", targets: phone) with { Attachments = [MessageAttachment.From(captioned)] });

        Assert.Equal(["📎 photo.png", "📎 2 files", "look at this"], (await OutboxRowsOf(chat)).Select(r => r.Preview));
    }

    [Fact]
    public async Task The_uploads_a_room_asks_for_come_back_in_one_read_and_unknown_ids_are_left_out()
    {
        var first = await UploadAsync("alice", T0);
        var second = await UploadAsync("bob", T0);

        var found = await Store.GetAttachmentsAsync([first.AttachmentId, second.AttachmentId, Guid.NewGuid()], Ct);

        Assert.Equal([first, second], found.OrderBy(r => r.UploaderId, StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("carried")]
    [InlineData("another uploader's")]
    [InlineData("unknown")]
    public async Task A_text_naming_an_upload_that_is_not_an_orphan_of_its_sender_stores_nothing(string upload)
    {
        var (chat, other) = (NewChatId(), NewChatId());
        var record = await UploadAsync(upload == "another uploader's" ? "bob" : "alice", T0);
        if (upload == "carried")
        {
            await Append(other, 0, Message("c1") with { Attachments = [MessageAttachment.From(record)] });
        }

        var attachment = upload == "unknown" ? MessageAttachment.From(record) with { AttachmentId = Guid.NewGuid() } : MessageAttachment.From(record);
        await Assert.ThrowsAsync<AttachmentsTakenException>(() => Append(chat, 0, Message("c2") with { Attachments = [attachment] }));

        Assert.Null(await Store.GetLastAsync(chat, Ct));
        var after = await Attachments.FindAsync(record.AttachmentId, Ct);
        Assert.Equal(upload == "carried" ? other : null, after!.ChatId);
        Assert.Equal(1, Assert.Single(await Append(chat, 0, Message("c3"))).Message.Seq);
    }

    [Fact]
    public async Task Two_texts_racing_for_one_upload_let_exactly_one_win_and_the_other_calls_commit()
    {
        var (first, second, plain) = (NewChatId(), NewChatId(), NewChatId());
        var record = await UploadAsync("alice", T0);
        MessageAttachment[] carried = [MessageAttachment.From(record)];

        var calls = new[]
        {
            Append(first, 0, Message("c1") with { Attachments = carried }),
            Append(second, 0, Message("c1") with { Attachments = carried }),
            Append(plain, 0, Message("c1")),
        };
        var outcomes = await Task.WhenAll(calls.Select(async call =>
        {
            try
            {
                await call;
                return "stored";
            }
            catch (AttachmentsTakenException)
            {
                return "taken";
            }
        }));

        Assert.Equal("stored", outcomes[2]);
        Assert.Equal(["stored", "taken"], outcomes[..2].Order(StringComparer.Ordinal));
        var winner = outcomes[0] == "stored" ? first : second;
        var loser = outcomes[0] == "stored" ? second : first;
        Assert.Equal(winner, (await Attachments.FindAsync(record.AttachmentId, Ct))!.ChatId);
        Assert.Null(await Store.GetLastAsync(loser, Ct));
        Assert.Equal(carried, (await Store.GetLastAsync(winner, Ct))!.Attachments);
    }

    [Fact]
    public async Task Deleting_a_text_removes_its_attachments_rows_and_bytes_and_its_tombstone_carries_none()
    {
        var chat = NewChatId();
        var (image, document) = (await UploadAsync("alice", T0, width: 4, height: 3), await UploadAsync("alice", T0.AddSeconds(1)));
        var kept = await UploadAsync("alice", T0.AddSeconds(2));
        await Append(chat, 0, Message("c1") with { Attachments = [MessageAttachment.From(image), MessageAttachment.From(document)] });
        await Append(chat, 1, Message("c2") with { Attachments = [MessageAttachment.From(kept)] });

        await Append(chat, 2, Change("c3", MessageKind.Delete, target: 1, content: ""));

        var rows = await ReadAll(chat);
        Assert.Equal((true, 0), (rows[0].Deleted, rows[0].Attachments.Count));
        Assert.Equal([MessageAttachment.From(kept)], rows[1].Attachments);
        foreach (var gone in new[] { image.AttachmentId, document.AttachmentId })
        {
            Assert.Null(await Attachments.FindAsync(gone, Ct));
            Assert.False(await AttachmentBytesExistAsync(gone));
        }

        Assert.NotNull(await Attachments.FindAsync(kept.AttachmentId, Ct));
        Assert.True(await AttachmentBytesExistAsync(kept.AttachmentId));
    }

    [Fact]
    public async Task A_change_that_carries_attachments_is_refused_before_it_is_queued_and_its_upload_stays_an_orphan()
    {
        var chat = NewChatId();
        var record = await UploadAsync("alice", T0);
        await Append(chat, 0, Message("c1"));

        await Assert.ThrowsAsync<ArgumentException>(
            () => Append(chat, 1, Change("c2", MessageKind.Edit, target: 1, content: "x") with { Attachments = [MessageAttachment.From(record)] }));

        Assert.Single(await ReadAll(chat));
        Assert.Null((await Attachments.FindAsync(record.AttachmentId, Ct))!.ChatId);
    }

    /// <summary>Stores a three-byte upload and returns its record as the store keeps it (its times at the store's precision).</summary>
    private async Task<AttachmentRecord> UploadAsync(string uploaderId, DateTimeOffset createdAt, int? width = null, int? height = null, string? name = null)
    {
        var id = Guid.NewGuid();
        var type = width is null ? "text/plain" : "image/png";
        var record = new AttachmentRecord(id, uploaderId, name ?? $"{id:N}.bin", type, 3, new string('a', 64), width, height, createdAt);
        await using (var writer = await Attachments.BeginAsync(id, Ct))
        {
            await writer.WriteAsync(new byte[] { 1, 2, 3 }, Ct);
            await writer.CommitAsync(record, Ct);
        }

        return (await Attachments.FindAsync(id, Ct))!;
    }
}
