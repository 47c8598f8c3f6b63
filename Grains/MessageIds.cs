using System.Buffers.Binary;
using System.Security.Cryptography;

namespace OrleansChat.Grains;

/// <summary>
/// RFC 9562 version 7 UUIDs for a batch of messages stored in the same millisecond: the random bits of the whole
/// batch come from one call to the system's secure generator instead of one call per message.
/// </summary>
internal static class MessageIds
{
    public static Guid[] NewBatch(DateTimeOffset at, int count)
    {
        var ids = new Guid[count];
        Span<byte> random = count <= 64 ? stackalloc byte[count * 10] : new byte[count * 10];
        RandomNumberGenerator.Fill(random);
        Span<byte> bytes = stackalloc byte[16];
        var unixMs = (ulong)at.ToUnixTimeMilliseconds();
        for (var i = 0; i < count; i++)
        {
            // unix_ts_ms (48 bits) | ver (4) rand_a (12) | var (2) rand_b (62), big-endian.
            BinaryPrimitives.WriteUInt64BigEndian(bytes, unixMs << 16);
            random.Slice(i * 10, 10).CopyTo(bytes[6..]);
            bytes[6] = (byte)(0x70 | (bytes[6] & 0x0F));
            bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
            ids[i] = new Guid(bytes, bigEndian: true);
        }

        return ids;
    }
}
