using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace OrleansChat.TestInfrastructure;

/// <summary>
/// Files to upload, made byte by byte: a PNG that browsers and imaging libraries decode, the headers of the other image
/// types the server sniffs (with just the structure it reads), a PDF, and an executable.
/// </summary>
public static class SampleFiles
{
    /// <summary>An RGB PNG of one colour, with real checksums: what a browser and an imaging library both accept.</summary>
    public static byte[] Png(int width, int height)
    {
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bits per channel
        header[9] = 2; // RGB
        var rows = new byte[height * (1 + (width * 3))];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var at = (y * (1 + (width * 3))) + 1 + (x * 3);
                rows[at] = 0x43;
                rows[at + 1] = (byte)(0x38 + (y * 100 / height));
                rows[at + 2] = 0xCA;
            }
        }

        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            zlib.Write(rows);
        }

        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. Chunk("IHDR", header), .. Chunk("IDAT", compressed.ToArray()), .. Chunk("IEND", [])];
    }

    public static byte[] Gif(int width, int height)
    {
        var screen = new byte[7];
        BinaryPrimitives.WriteUInt16LittleEndian(screen, (ushort)width);
        BinaryPrimitives.WriteUInt16LittleEndian(screen.AsSpan(2), (ushort)height);
        return [.. "GIF89a"u8, .. screen, 0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 0x01, 0, 0x3B];
    }

    /// <summary>A JPEG whose frame comes after an EXIF segment of <paramref name="exifBytes"/>.</summary>
    public static byte[] Jpeg(int width, int height, int exifBytes = 1000)
    {
        var exif = new byte[exifBytes + 2];
        BinaryPrimitives.WriteUInt16BigEndian(exif, (ushort)(exifBytes + 2));
        var frame = new byte[] { 0, 17, 8, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1 };
        return [0xFF, 0xD8, 0xFF, 0xE1, .. exif, 0xFF, 0xC0, .. frame, 0xFF, 0xDA, 0, 2, 0x12, 0x34, 0xFF, 0xD9];
    }

    /// <summary>An extended WebP: the canvas size is in the VP8X chunk.</summary>
    public static byte[] WebP(int width, int height)
    {
        var body = new byte[22];
        "WEBP"u8.CopyTo(body);
        "VP8X"u8.CopyTo(body.AsSpan(4));
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(8), 10);
        WriteUInt24(body.AsSpan(16), width - 1);
        WriteUInt24(body.AsSpan(19), height - 1);
        var file = new byte[8 + body.Length];
        "RIFF"u8.CopyTo(file);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(4), (uint)body.Length);
        body.CopyTo(file.AsSpan(8));
        return file;
    }

    public static byte[] Pdf() => Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

    /// <summary>The start of a 64-bit ELF executable: what a renamed program looks like.</summary>
    public static byte[] Elf() => [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0x3E, 0, 1, 0, 0, 0, .. new byte[100]];

    private static byte[] Chunk(string type, byte[] data)
    {
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(chunk, data.Length);
        Encoding.ASCII.GetBytes(type).CopyTo(chunk, 4);
        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32(chunk.AsSpan(4, 4 + data.Length)));
        return chunk;
    }

    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }

    private static void WriteUInt24(Span<byte> span, int value)
    {
        span[0] = (byte)value;
        span[1] = (byte)(value >> 8);
        span[2] = (byte)(value >> 16);
    }
}
