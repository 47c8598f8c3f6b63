using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SkiaSharp;

namespace OrleansChat.ProtocolTests.Attachments;

/// <summary>PROTOCOL.md 7: <c>POST /api/v1/attachments</c>, its answer and its refusals; a refused upload leaves no file.</summary>
[Collection(AttachmentServer.Name)]
public sealed class AttachmentUploadTests(AttachmentServerFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ChatServer Server => fixture.Server;

    [Fact]
    public async Task Uploading_a_PNG_answers_201_with_its_id_name_type_size_hash_and_pixel_size()
    {
        var alice = Server.NewUser("alice");
        var png = Samples.Image(800, 600);

        using var response = await fixture.UploadAsync(alice, png, "holiday.png", contentType: "application/pdf");

        var body = await Expect.StatusAsync(response, HttpStatusCode.Created);
        Assert.Equal(["attachmentId", "name", "contentType", "size", "sha256", "width", "height"], body.EnumerateObject().Select(p => p.Name));
        Expect.UuidV7(body.Text("attachmentId"));
        Assert.Equal(("holiday.png", "image/png", png.Length, Convert.ToHexStringLower(SHA256.HashData(png)), 800L, 600L),
            (body.Text("name"), body.Text("contentType"), body.Number("size"), body.Text("sha256"), body.Number("width"), body.Number("height")));
    }

    [Fact]
    public async Task Uploading_a_JPEG_reads_its_pixel_size_and_text_has_none()
    {
        var alice = Server.NewUser("alice");

        using var jpeg = await fixture.UploadAsync(alice, Samples.Image(333, 1000, SKEncodedImageFormat.Jpeg), "photo.bin");
        using var text = await fixture.UploadAsync(alice, Encoding.UTF8.GetBytes("Grüße 👋\nzweite Zeile\n"), "../../etc/notes.txt");

        var photo = await Expect.StatusAsync(jpeg, HttpStatusCode.Created);
        Assert.Equal(("image/jpeg", 333L, 1000L), (photo.Text("contentType"), photo.Number("width"), photo.Number("height")));
        var notes = await Expect.StatusAsync(text, HttpStatusCode.Created);
        Assert.Equal(["attachmentId", "name", "contentType", "size", "sha256"], notes.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("notes.txt", "text/plain"), (notes.Text("name"), notes.Text("contentType")));
    }

    [Fact]
    public async Task An_executable_named_like_a_PNG_gets_415_bad_request_and_nothing_is_stored()
    {
        await AssertRefusedAsync(Samples.Elf(), "cat.png", HttpStatusCode.UnsupportedMediaType, "bad_request");
    }

    [Fact]
    public async Task A_PNG_with_an_archive_appended_after_its_end_gets_415_and_nothing_is_stored()
    {
        byte[] polyglot = [.. Samples.Image(64, 64), .. "PK\u0003\u0004"u8, .. Samples.Text(500)];

        await AssertRefusedAsync(polyglot, "cat.png", HttpStatusCode.UnsupportedMediaType, "bad_request");
    }

    [Fact]
    public async Task A_PNG_signature_followed_by_a_web_page_gets_415_and_nothing_is_stored()
    {
        byte[] polyglot = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. "<html><script>alert(document.cookie)</script></html>"u8];

        await AssertRefusedAsync(polyglot, "cat.png", HttpStatusCode.UnsupportedMediaType, "bad_request");
    }

    [Fact]
    public async Task A_zero_byte_file_gets_400_and_nothing_is_stored()
    {
        await AssertRefusedAsync([], "empty.txt", HttpStatusCode.BadRequest, "bad_request");
    }

    [Fact]
    public async Task A_body_without_a_file_part_gets_400()
    {
        var alice = Server.NewUser("alice");
        var form = new MultipartFormDataContent { { new StringContent("hello"), "caption" }, { new ByteArrayContent(Samples.Text(10)), "document", "notes.txt" } };

        using var response = await fixture.PostAsync(alice, form);

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "bad_request");
    }

    [Fact]
    public async Task A_body_with_two_file_parts_gets_400_and_nothing_is_stored()
    {
        var alice = Server.NewUser("alice");
        var before = fixture.StoredFiles();
        var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(Samples.Text(100)), "file", "one.txt" },
            { new ByteArrayContent(Samples.Text(200)), "file", "two.txt" },
        };

        using var response = await fixture.PostAsync(alice, form);

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "bad_request");
        Assert.Equal(before, fixture.StoredFiles());
    }

    [Fact]
    public async Task A_body_that_is_not_multipart_gets_415()
    {
        var alice = Server.NewUser("alice");

        using var response = await fixture.PostAsync(alice, new ByteArrayContent(Samples.Image(10, 10)) { Headers = { ContentType = new MediaTypeHeaderValue("image/png") } });

        await Expect.ProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "bad_request");
    }

    [Fact]
    public async Task A_declared_length_over_the_limit_gets_413_too_large()
    {
        var alice = Server.NewUser("alice");
        await using var raw = await fixture.OpenRawAsync(alice, "b0undary", AttachmentServerFixture.MaxBytes * 2);

        Assert.Equal(413, await RawHttp.ReadStatusAsync(raw));
    }

    [Fact]
    public async Task A_streamed_upload_that_passes_the_limit_gets_413_too_large_and_nothing_is_stored()
    {
        var alice = Server.NewUser("alice");
        var before = fixture.StoredFiles();
        var file = new StreamContent(new MemoryStream(Samples.Text((int)AttachmentServerFixture.MaxBytes + 1)));
        var form = new MultipartFormDataContent { { new UnknownLengthContent(file), "file", "big.txt" } };

        using var response = await fixture.PostAsync(alice, form);

        await Expect.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "too_large");
        Assert.Equal(before, fixture.StoredFiles());
    }

    [Fact]
    public async Task A_file_of_exactly_the_limit_is_stored()
    {
        var alice = Server.NewUser("alice");

        using var response = await fixture.UploadAsync(alice, Samples.Text((int)AttachmentServerFixture.MaxBytes), "limit.txt");

        Assert.Equal(AttachmentServerFixture.MaxBytes, (await Expect.StatusAsync(response, HttpStatusCode.Created)).Number("size"));
    }

    private async Task AssertRefusedAsync(byte[] bytes, string fileName, HttpStatusCode status, string code)
    {
        var alice = Server.NewUser("alice");
        var before = fixture.StoredFiles();

        using var response = await fixture.UploadAsync(alice, bytes, fileName, contentType: "image/png");

        await Expect.ProblemAsync(response, status, code);
        Assert.Equal(before, fixture.StoredFiles());
    }

    /// <summary>Hides a content's length, so the body is sent chunked and its size is known only by reading it.</summary>
    private sealed class UnknownLengthContent(HttpContent inner) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => inner.CopyToAsync(stream, context);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            inner.Dispose();
            base.Dispose(disposing);
        }
    }
}

/// <summary>Reading an answer off a plain TCP connection.</summary>
internal static class RawHttp
{
    public static async Task<int> ReadStatusAsync(Stream stream)
    {
        var line = new StringBuilder();
        var buffer = new byte[1];
        while (await stream.ReadAsync(buffer, TestContext.Current.CancellationToken) == 1 && buffer[0] != '\n')
        {
            line.Append((char)buffer[0]);
        }

        return Parse(line.ToString());
    }

    /// <summary>The status, or null when the server closes the connection without one.</summary>
    public static async Task<int?> ReadStatusOrNullAsync(Stream stream)
    {
        try
        {
            var line = new StringBuilder();
            var buffer = new byte[1];
            while (await stream.ReadAsync(buffer, TestContext.Current.CancellationToken) == 1 && buffer[0] != '\n')
            {
                line.Append((char)buffer[0]);
            }

            return line.Length == 0 ? null : Parse(line.ToString());
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static int Parse(string line)
    {
        var parts = line.Split(' ');
        return parts.Length >= 2 && int.TryParse(parts[1], out var status) ? status : throw new Xunit.Sdk.XunitException($"no status line: '{line}'");
    }
}
