using System.Buffers.Binary;

namespace OrleansChat.Persistence.Attachments;

/// <summary>
/// Tells a file's type from its bytes, never from its name or declared type: the magic number at its start, the
/// structure that must follow it, and the end marker the format closes with. A file that starts like an image and goes
/// on or ends like something else (a polyglot) is none of these types.
/// </summary>
internal static class ContentSniffer
{
    public const string Png = "image/png";
    public const string Jpeg = "image/jpeg";
    public const string Gif = "image/gif";
    public const string WebP = "image/webp";
    public const string Pdf = "application/pdf";
    public const string Text = "text/plain";

    /// <summary>How many leading bytes <see cref="Sniff"/> needs to decide, when the file has that many.</summary>
    public const int HeadBytes = 32;

    /// <summary>How many trailing bytes <see cref="EndsWell"/> looks at.</summary>
    public const int TailBytes = 1024;

    public static readonly IReadOnlyList<string> KnownTypes = [Png, Jpeg, Gif, WebP, Pdf, Text];

    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static ReadOnlySpan<byte> JpegStart => [0xFF, 0xD8, 0xFF];

    private static ReadOnlySpan<byte> JpegEnd => [0xFF, 0xD9];

    private static ReadOnlySpan<byte> GifEnd => [0x3B];

    private static ReadOnlySpan<byte> Vp8StartCode => [0x9D, 0x01, 0x2A];

    private static ReadOnlySpan<byte> PngEnd => [0, 0, 0, 0, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82];

    /// <summary>
    /// The type whose signature <paramref name="head"/> starts with; <see cref="Text"/> when it starts with none (the
    /// text rules are then checked over every byte); null when it starts like a known type but breaks its structure.
    /// </summary>
    public static string? Sniff(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith(PngSignature))
        {
            // The first chunk of a PNG is IHDR, 13 bytes long.
            return head.Length >= 24 && head[8..16].SequenceEqual("\0\0\0\rIHDR"u8) ? Png : null;
        }

        if (head.StartsWith(JpegStart))
        {
            return Jpeg;
        }

        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8))
        {
            return head.Length >= 13 ? Gif : null;
        }

        if (head.StartsWith("RIFF"u8) && head.Length >= 12 && head[8..12].SequenceEqual("WEBP"u8))
        {
            return head.Length >= 30 && (head[12..16].SequenceEqual("VP8 "u8) || head[12..16].SequenceEqual("VP8L"u8) || head[12..16].SequenceEqual("VP8X"u8)) ? WebP : null;
        }

        if (head.StartsWith("%PDF-"u8))
        {
            return Pdf;
        }

        return Text;
    }

    /// <summary>Width and height from the header of a PNG, GIF or WebP; JPEG's come from <see cref="JpegFrameScanner"/>.</summary>
    public static (int Width, int Height)? Dimensions(string type, ReadOnlySpan<byte> head) => type switch
    {
        Png => (BinaryPrimitives.ReadInt32BigEndian(head[16..]), BinaryPrimitives.ReadInt32BigEndian(head[20..])),
        Gif => (BinaryPrimitives.ReadUInt16LittleEndian(head[6..]), BinaryPrimitives.ReadUInt16LittleEndian(head[8..])),
        WebP => WebPDimensions(head),
        _ => null,
    };

    /// <summary>Whether a file of <paramref name="type"/> and <paramref name="size"/> bytes ends as its format says it must.</summary>
    public static bool EndsWell(string type, ReadOnlySpan<byte> head, ReadOnlySpan<byte> tail, long size) => type switch
    {
        Png => tail.EndsWith(PngEnd),
        Jpeg => tail.EndsWith(JpegEnd),
        Gif => tail.EndsWith(GifEnd),
        WebP => BinaryPrimitives.ReadUInt32LittleEndian(head[4..]) + 8L == size,
        Pdf => tail.IndexOf("%%EOF"u8) >= 0,
        _ => true,
    };

    private static (int Width, int Height)? WebPDimensions(ReadOnlySpan<byte> head)
    {
        var chunk = head[12..16];
        if (chunk.SequenceEqual("VP8X"u8))
        {
            return (1 + ReadUInt24(head[24..]), 1 + ReadUInt24(head[27..]));
        }

        if (chunk.SequenceEqual("VP8L"u8))
        {
            if (head[20] != 0x2F)
            {
                return null;
            }

            var bits = BinaryPrimitives.ReadUInt32LittleEndian(head[21..]);
            return (1 + (int)(bits & 0x3FFF), 1 + (int)((bits >> 14) & 0x3FFF));
        }

        if (!head[23..26].SequenceEqual(Vp8StartCode))
        {
            return null;
        }

        return (BinaryPrimitives.ReadUInt16LittleEndian(head[26..]) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(head[28..]) & 0x3FFF);
    }

    private static int ReadUInt24(ReadOnlySpan<byte> bytes) => bytes[0] | (bytes[1] << 8) | (bytes[2] << 16);
}
