using System.Security.Cryptography;
using System.Text;
using OrleansChat.Persistence.Attachments;
using OrleansChat.TestInfrastructure;

namespace OrleansChat.Persistence.Tests.Attachments;

/// <summary>What an upload's bytes are decided to be, as they stream past (PROTOCOL.md 7).</summary>
public sealed class AttachmentIntakeTests
{
    [Fact]
    public void A_PNG_is_told_from_its_bytes_with_its_width_and_height_and_hash()
    {
        var png = SampleFiles.Png(640, 480);

        var content = Take(png);

        Assert.Equal(new AttachmentContent("image/png", png.Length, Convert.ToHexStringLower(SHA256.HashData(png)), 640, 480), content);
    }

    [Fact]
    public void A_JPEG_has_the_size_of_its_frame_even_after_a_long_EXIF_segment_fed_a_byte_at_a_time()
    {
        var jpeg = SampleFiles.Jpeg(1920, 1080, exifBytes: 40_000);

        var content = Take(jpeg, pieceBytes: 1);

        Assert.Equal(("image/jpeg", 1920, 1080), (content.ContentType, content.Width, content.Height));
    }

    [Fact]
    public void A_GIF_and_a_WebP_have_the_size_of_their_headers()
    {
        Assert.Equal(("image/gif", 31, 17), Shape(Take(SampleFiles.Gif(31, 17))));
        Assert.Equal(("image/webp", 4000, 3000), Shape(Take(SampleFiles.WebP(4000, 3000))));
    }

    [Fact]
    public void A_PDF_and_UTF8_text_have_no_width_or_height()
    {
        Assert.Equal(("application/pdf", null, null), Shape(Take(SampleFiles.Pdf())));
        Assert.Equal(("text/plain", null, null), Shape(Take(Encoding.UTF8.GetBytes("Grüße, 👋\r\n\ttabs and lines\n" + new string('ü', 40)), pieceBytes: 3)));
    }

    [Fact]
    public void An_ELF_executable_named_like_a_PNG_is_of_no_allowed_type()
    {
        Assert.Equal(AttachmentRejection.UnsupportedType, Refusal(SampleFiles.Elf()));
    }

    [Fact]
    public void A_PNG_signature_followed_by_HTML_is_refused()
    {
        byte[] polyglot = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. "<html><script>alert(1)</script></html>"u8];

        Assert.Equal(AttachmentRejection.UnsupportedType, Refusal(polyglot));
    }

    [Fact]
    public void A_PNG_with_an_archive_appended_after_its_end_is_refused()
    {
        byte[] polyglot = [.. SampleFiles.Png(2, 2), .. "PK\u0003\u0004 a zip archive follows"u8];

        Assert.Equal(AttachmentRejection.UnsupportedType, Refusal(polyglot));
    }

    [Fact]
    public void An_image_whose_header_declares_no_pixels_is_refused()
    {
        Assert.Equal(AttachmentRejection.UnsupportedType, Refusal(SampleFiles.Png(0, 480)));
    }

    [Theory]
    [InlineData(new byte[] { (byte)'a', 0, (byte)'b' })]
    [InlineData(new byte[] { (byte)'a', 0x1B, (byte)'[', (byte)'m' })]
    [InlineData(new byte[] { (byte)'a', 0xC3 })]
    [InlineData(new byte[] { 0xFF, 0xFE, (byte)'a', 0 })]
    public void Bytes_that_are_not_UTF8_text_without_control_characters_are_refused(byte[] bytes)
    {
        Assert.Equal(AttachmentRejection.UnsupportedType, Refusal(bytes));
    }

    [Fact]
    public void A_zero_byte_file_is_refused_as_empty()
    {
        Assert.Equal(AttachmentRejection.Empty, Refusal([]));
    }

    [Fact]
    public void An_upload_is_refused_as_too_large_by_the_append_that_passes_the_limit()
    {
        using var intake = new AttachmentIntake(new AttachmentOptions { MaxBytes = 100 });
        intake.Append(Letters(60));

        var refusal = Assert.Throws<AttachmentRejectedException>(() => intake.Append(Letters(41)));

        Assert.Equal(AttachmentRejection.TooLarge, refusal.Reason);
    }

    [Fact]
    public void A_type_outside_the_allowed_types_is_refused_as_soon_as_its_first_bytes_are_seen()
    {
        using var intake = new AttachmentIntake(new AttachmentOptions { AllowedTypes = ["image/png"] });

        var refusal = Assert.Throws<AttachmentRejectedException>(() => intake.Append(Letters(ContentSniffer.HeadBytes)));

        Assert.Equal(AttachmentRejection.UnsupportedType, refusal.Reason);
    }

    [Fact]
    public void An_image_over_the_pixel_limit_is_refused_as_too_large()
    {
        using var intake = new AttachmentIntake(new AttachmentOptions { MaxImagePixels = 1000 });
        intake.Append(SampleFiles.Png(100, 11));

        Assert.Equal(AttachmentRejection.TooLarge, Assert.Throws<AttachmentRejectedException>(intake.Complete).Reason);
    }

    private static AttachmentContent Take(byte[] bytes, int pieceBytes = 4096)
    {
        using var intake = new AttachmentIntake(new AttachmentOptions());
        for (var offset = 0; offset < bytes.Length; offset += pieceBytes)
        {
            intake.Append(bytes.AsSpan(offset, Math.Min(pieceBytes, bytes.Length - offset)));
        }

        return intake.Complete();
    }

    private static AttachmentRejection Refusal(byte[] bytes) =>
        Assert.Throws<AttachmentRejectedException>(() => Take(bytes)).Reason;

    private static (string, int?, int?) Shape(AttachmentContent content) => (content.ContentType, content.Width, content.Height);

    private static byte[] Letters(int count) => Encoding.ASCII.GetBytes(new string('a', count));
}
