using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using OrleansChat.Persistence.Attachments;
using SkiaSharp;

namespace OrleansChat.ProtocolTests.Attachments;

/// <summary>PROTOCOL.md 7: <c>GET /api/v1/attachments/{id}</c> and its thumbnail, to the uploader; 404 to anyone else.</summary>
[Collection(AttachmentServer.Name)]
public sealed class AttachmentDownloadTests(AttachmentServerFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ChatServer Server => fixture.Server;

    [Fact]
    public async Task The_uploader_downloads_an_image_inline_with_its_type_etag_and_nosniff()
    {
        var alice = Server.NewUser("alice");
        var png = Samples.Image(40, 30);
        var (id, sha256) = await UploadAsync(alice, png, "dot.png");

        using var response = await fixture.GetAsync(alice, $"attachments/{id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(png, await response.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"\"{sha256}\"", response.Headers.ETag?.Tag);
        Assert.Equal("inline", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("dot.png", response.Content.Headers.ContentDisposition?.FileNameStar);
        Assert.Equal(["nosniff"], response.Headers.GetValues("X-Content-Type-Options"));
        Assert.Equal(["bytes"], response.Headers.AcceptRanges);
    }

    [Fact]
    public async Task A_document_is_downloaded_as_an_attachment()
    {
        var alice = Server.NewUser("alice");
        var (id, _) = await UploadAsync(alice, Samples.Pdf(), "report.pdf");

        using var response = await fixture.GetAsync(alice, $"attachments/{id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal(["nosniff"], response.Headers.GetValues("X-Content-Type-Options"));
    }

    [Fact]
    public async Task A_request_with_the_etag_in_If_None_Match_gets_304_without_a_body()
    {
        var alice = Server.NewUser("alice");
        var (id, sha256) = await UploadAsync(alice, Samples.Text(1000), "a.txt");

        using var response = await fixture.GetAsync(alice, $"attachments/{id}", r => r.Headers.IfNoneMatch.Add(new EntityTagHeaderValue($"\"{sha256}\"")));

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Ct));
    }

    [Theory]
    [InlineData(10L, 19L, 10, 10)]
    [InlineData(990L, null, 990, 10)]
    [InlineData(995L, 5000L, 995, 5)]
    [InlineData(null, 7L, 993, 7)]
    public async Task A_range_gets_206_with_exactly_those_bytes_and_their_content_range(long? from, long? to, int offset, int length)
    {
        var alice = Server.NewUser("alice");
        var text = Samples.Text(1000);
        var (id, _) = await UploadAsync(alice, text, "a.txt");

        using var response = await fixture.GetAsync(alice, $"attachments/{id}", r => r.Headers.Range = new RangeHeaderValue(from, to));

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(text[offset..(offset + length)], await response.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal(new ContentRangeHeaderValue(offset, offset + length - 1, 1000), response.Content.Headers.ContentRange);
    }

    [Fact]
    public async Task A_range_past_the_end_gets_416_with_the_size()
    {
        var alice = Server.NewUser("alice");
        var (id, _) = await UploadAsync(alice, Samples.Text(1000), "a.txt");

        using var response = await fixture.GetAsync(alice, $"attachments/{id}", r => r.Headers.Range = new RangeHeaderValue(1000, 2000));

        await Expect.ProblemAsync(response, HttpStatusCode.RequestedRangeNotSatisfiable, "bad_request");
        Assert.Equal("bytes */1000", response.Content.Headers.ContentRange?.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("/thumbnail")]
    public async Task Another_user_gets_404_for_an_upload_as_for_an_id_that_names_none(string suffix)
    {
        var alice = Server.NewUser("alice");
        var mallory = Server.NewUser("mallory");
        var (id, _) = await UploadAsync(alice, Samples.Image(20, 20), "private.png");

        using var foreign = await fixture.GetAsync(mallory, $"attachments/{id}{suffix}");
        using var unknown = await fixture.GetAsync(alice, $"attachments/{Guid.CreateVersion7()}{suffix}");
        using var malformed = await fixture.GetAsync(alice, $"attachments/{id.ToUpperInvariant()}{suffix}");

        await Expect.ProblemAsync(foreign, HttpStatusCode.NotFound, "not_found");
        await Expect.ProblemAsync(unknown, HttpStatusCode.NotFound, "not_found");
        await Expect.ProblemAsync(malformed, HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task The_thumbnail_of_an_image_is_a_JPEG_at_most_320_pixels_on_its_longer_side_made_once_and_kept()
    {
        var alice = Server.NewUser("alice");
        var (id, _) = await UploadAsync(alice, Samples.Image(1000, 600), "wide.png");

        using var first = await fixture.GetAsync(alice, $"attachments/{id}/thumbnail");
        var thumbnail = await first.Content.ReadAsByteArrayAsync(Ct);
        var kept = await Server.Services.GetRequiredService<IAttachmentStore>().ReadThumbnailAsync(Guid.Parse(id), Ct);
        using var second = await fixture.GetAsync(alice, $"attachments/{id}/thumbnail");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("image/jpeg", first.Content.Headers.ContentType?.MediaType);
        using var decoded = SKBitmap.Decode(thumbnail);
        Assert.Equal((320, 192), (decoded.Width, decoded.Height));
        Assert.Equal(thumbnail, kept);
        Assert.Equal(thumbnail, await second.Content.ReadAsByteArrayAsync(Ct));
    }

    [Fact]
    public async Task A_small_image_keeps_its_size_in_its_thumbnail()
    {
        var alice = Server.NewUser("alice");
        var (id, _) = await UploadAsync(alice, Samples.Image(100, 240, SKEncodedImageFormat.Jpeg), "tall.jpg");

        using var response = await fixture.GetAsync(alice, $"attachments/{id}/thumbnail");

        using var decoded = SKBitmap.Decode(await response.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal((100, 240), (decoded.Width, decoded.Height));
    }

    [Fact]
    public async Task A_document_has_no_thumbnail()
    {
        var alice = Server.NewUser("alice");
        var (id, _) = await UploadAsync(alice, Samples.Pdf(), "report.pdf");

        using var response = await fixture.GetAsync(alice, $"attachments/{id}/thumbnail");

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "not_found");
    }

    private async Task<(string Id, string Sha256)> UploadAsync(ChatUser user, byte[] bytes, string name)
    {
        using var response = await fixture.UploadAsync(user, bytes, name);
        var body = await Expect.StatusAsync(response, HttpStatusCode.Created);
        return (body.Text("attachmentId"), body.Text("sha256"));
    }
}
