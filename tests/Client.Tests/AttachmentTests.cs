using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OrleansChat.Client;
using SkiaSharp;

namespace OrleansChat.ClientTests;

using ChatMessage = OrleansChat.Client.ChatMessage;

/// <summary>
/// PROTOCOL.md 7 through the library against a real server: uploads answer every field of the 201, downloads stream
/// whole or by range, refusals surface their code and status, and messages expose their attachment objects.
/// </summary>
public sealed class AttachmentTests : IAsyncLifetime
{
    private ClientTestServer _server = null!;
    private string _alice = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await ClientTestServer.StartAsync();
        _alice = ClientTestServer.NewUserId("alice");
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task An_uploaded_png_answers_every_field_and_downloads_whole_and_by_range()
    {
        var png = Png(64, 48);
        var progress = new RecordedProgress();
        var alice = _server.NewClient(_alice);

        var uploaded = await alice.UploadAttachmentAsync(new MemoryStream(png), "holiday.png", progress, TestContext.Current.CancellationToken);

        Assert.Equal(
            new Attachment(uploaded.AttachmentId, "holiday.png", "image/png", png.Length, Sha256(png), 64, 48), uploaded);
        Assert.True(Guid.TryParse(uploaded.AttachmentId, out _), uploaded.AttachmentId);
        Assert.Equal(png.Length, progress.Values[^1]);
        await using (var whole = await alice.OpenAttachmentAsync(uploaded.AttachmentId, cancellationToken: TestContext.Current.CancellationToken))
        {
            Assert.Equal(("image/png", (long)png.Length, (long)png.Length, 0L, false, "holiday.png"),
                (whole.ContentType, whole.Length, whole.TotalLength, whole.Offset, whole.IsPartial, whole.FileName));
            Assert.Equal(png, await ReadAllAsync(whole.Content));
        }

        await using var part = await alice.OpenAttachmentAsync(uploaded.AttachmentId, new AttachmentRange(10, 29), TestContext.Current.CancellationToken);
        Assert.Equal((20L, (long)png.Length, 10L, true), (part.Length, part.TotalLength, part.Offset, part.IsPartial));
        Assert.Equal(png[10..30], await ReadAllAsync(part.Content));
    }

    [Fact]
    public async Task An_uploaded_pdf_has_no_dimensions_and_downloads_whole_and_from_an_offset_to_its_end()
    {
        var pdf = Pdf();
        var alice = _server.NewClient(_alice);

        var uploaded = await alice.UploadAttachmentAsync(new NonSeekableStream(pdf), "notes.pdf", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(new Attachment(uploaded.AttachmentId, "notes.pdf", "application/pdf", pdf.Length, Sha256(pdf), null, null), uploaded);
        await using (var whole = await alice.OpenAttachmentAsync(uploaded.AttachmentId, cancellationToken: TestContext.Current.CancellationToken))
        {
            Assert.Equal(("application/pdf", (long)pdf.Length), (whole.ContentType, whole.Length));
            Assert.Equal(pdf, await ReadAllAsync(whole.Content));
        }

        await using var tail = await alice.OpenAttachmentAsync(uploaded.AttachmentId, new AttachmentRange(pdf.Length - 7), TestContext.Current.CancellationToken);
        Assert.Equal((7L, (long)pdf.Length - 7, true), (tail.Length, tail.Offset, tail.IsPartial));
        Assert.Equal(pdf[^7..], await ReadAllAsync(tail.Content));
    }

    [Fact]
    public async Task An_executable_named_png_is_refused_with_415_and_bad_request()
    {
        var alice = _server.NewClient(_alice);
        byte[] elf = [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0, .. new byte[4000]];

        var refused = await Assert.ThrowsAsync<ChatErrorException>(
            () => alice.UploadAttachmentAsync(new MemoryStream(elf), "cat.png", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(("bad_request", (int?)415), (refused.Code, refused.Status));
    }

    [Fact]
    public async Task A_file_over_the_limit_is_refused_with_413_and_too_large()
    {
        var alice = _server.NewClient(_alice);
        var text = Encoding.ASCII.GetBytes(new string('a', (int)ClientTestServer.MaxAttachmentBytes + 1));

        var refused = await Assert.ThrowsAsync<ChatErrorException>(
            () => alice.UploadAttachmentAsync(new MemoryStream(text), "big.txt", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(("too_large", (int?)413), (refused.Code, refused.Status));
    }

    [Fact]
    public async Task An_image_has_a_jpeg_thumbnail_320_pixels_on_its_longer_side()
    {
        var alice = _server.NewClient(_alice);
        var uploaded = await alice.UploadAttachmentAsync(new MemoryStream(Png(800, 400)), "wide.png", cancellationToken: TestContext.Current.CancellationToken);

        var thumbnail = await alice.DownloadThumbnailAsync(uploaded.AttachmentId, TestContext.Current.CancellationToken);

        using var image = SKBitmap.Decode(thumbnail.Content);
        Assert.Equal(("image/jpeg", 320, 160), (thumbnail.ContentType, image.Width, image.Height));
    }

    [Fact]
    public async Task Someone_who_is_neither_the_uploader_nor_in_a_chat_holding_it_gets_404_not_found()
    {
        var uploaded = await _server.NewClient(_alice).UploadAttachmentAsync(
            new MemoryStream(Pdf()), "notes.pdf", cancellationToken: TestContext.Current.CancellationToken);
        var mallory = _server.NewClient(ClientTestServer.NewUserId("mallory"));

        var refused = await Assert.ThrowsAsync<ChatErrorException>(
            () => mallory.OpenAttachmentAsync(uploaded.AttachmentId, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(("not_found", (int?)404), (refused.Code, refused.Status));
    }

    [Fact]
    public async Task A_text_sent_with_uploads_reaches_another_member_with_their_attachment_objects_in_the_order_sent()
    {
        var ct = TestContext.Current.CancellationToken;
        var bobId = ClientTestServer.NewUserId("bob");
        var chatId = await _server.CreateGroupAsync(_alice, bobId);
        var alice = await _server.StartClientAsync(_alice);
        var bob = await _server.StartClientAsync(bobId);
        var pdf = await alice.UploadAttachmentAsync(new MemoryStream(Pdf()), "notes.pdf", cancellationToken: ct);
        var png = await alice.UploadAttachmentAsync(new MemoryStream(Png(8, 6)), "dot.png", cancellationToken: ct);

        var ack = await alice.SendAsync(chatId, OutgoingMessage.Text("", attachments: [png.AttachmentId, pdf.AttachmentId]), cancellationToken: ct);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        var received = await bob.Messages.ReadAsync(timeout.Token);
        Assert.Equal((chatId, ack.Seq, _alice, ""), (received.ChatId, received.Seq, received.SenderId, received.Content));
        Assert.Equal(
            [
                new MessageAttachment(png.AttachmentId, "dot.png", "image/png", png.Size, 8, 6),
                new MessageAttachment(pdf.AttachmentId, "notes.pdf", "application/pdf", pdf.Size, null, null),
            ],
            received.Attachments);
    }

    [Fact]
    public void A_message_exposes_its_attachment_objects_in_order_and_none_when_it_has_none()
    {
        using var item = JsonDocument.Parse("""
            {"chatId":"c1","seq":4,"messageId":"m4","senderId":"alice","content":"","sentAt":"2026-01-01T00:00:00.000Z",
             "attachments":[
               {"attachmentId":"a1","name":"cat.png","contentType":"image/png","size":1234,"width":640,"height":480},
               {"attachmentId":"a2","name":"notes \"1\".pdf","contentType":"application/pdf","size":99}]}
            """);
        using var plain = JsonDocument.Parse("""{"chatId":"c1","seq":5,"messageId":"m5","senderId":"alice","content":"hi","sentAt":"x"}""");

        var message = ChatMessage.FromJson(item.RootElement);

        Assert.Equal(
            [
                new MessageAttachment("a1", "cat.png", "image/png", 1234, 640, 480),
                new MessageAttachment("a2", "notes \"1\".pdf", "application/pdf", 99, null, null),
            ],
            message.Attachments);
        Assert.Empty(ChatMessage.FromJson(plain.RootElement).Attachments);
    }

    private static byte[] Png(int width, int height)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.SteelBlue);
        }

        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 90);
        return data.ToArray();
    }

    private static byte[] Pdf() => Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, TestContext.Current.CancellationToken);
        return copy.ToArray();
    }

    /// <summary>Hears progress on the uploading thread, unlike <see cref="Progress{T}"/>, which posts it.</summary>
    private sealed class RecordedProgress : IProgress<long>
    {
        public List<long> Values { get; } = [];

        public void Report(long value) => Values.Add(value);
    }

    /// <summary>A stream whose length is unknown, as a network source is: the upload goes chunked.</summary>
    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
