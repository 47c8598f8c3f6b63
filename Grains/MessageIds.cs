using System.Buffers.Binary;
using System.Security.Cryptography;

namespace OrleansChat.Grains;

/// <summary>
/// The message ids of one chat: RFC 9562 version 7 UUIDs that rise strictly in the order they are issued, so that a
/// chat's ids sort (as bytes, and as lowercase strings) in seq order, as a TIMEUUID clustering key does.
/// </summary>
/// <remarks>
/// <para>
/// Within one millisecond, and whenever the clock reads earlier than the last id issued or stored (a failover to a
/// silo whose clock is behind, a restart after the clock was set back), the next id is the last one plus a random
/// increment of 1 to 2^32 in its 74 random bits: RFC 9562 section 6.2, method 2 ("monotonic random"). The
/// timestamp field never goes back; when the random bits would overflow it moves on by one millisecond. A new
/// millisecond starts from 73 fresh random bits, so the top bit leaves room for at least 2^40 increments.
/// </para>
/// <para>
/// The random bits of a whole batch come from one call to the system's secure generator. The room tells the
/// generator its last stored id on activation (<see cref="Follow"/>), so ids keep rising across restarts and silos.
/// </para>
/// </remarks>
internal sealed class MessageIds
{
    private const int RandomBytesPerId = 10;
    private const ulong RandBMask = (1UL << 62) - 1;
    private static readonly UInt128 RandomMask = (UInt128.One << 74) - 1;
    private static readonly UInt128 FreshMask = (UInt128.One << 73) - 1;

    private long _lastMs = long.MinValue;
    private UInt128 _lastRandom;

    /// <summary>Makes every id issued from now on sort after <paramref name="id"/> (a version 7 id this chat stored).</summary>
    public void Follow(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        var high = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        var low = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        var ms = (long)(high >> 16);
        var random = ((UInt128)(high & 0xFFF) << 62) | (low & RandBMask);
        if (ms > _lastMs || (ms == _lastMs && random > _lastRandom))
        {
            _lastMs = ms;
            _lastRandom = random;
        }
    }

    /// <summary><paramref name="count"/> ids for messages stored at <paramref name="at"/>, each above the one before.</summary>
    public Guid[] NewBatch(DateTimeOffset at, int count)
    {
        var ids = new Guid[count];
        Span<byte> random = count <= 64 ? stackalloc byte[count * RandomBytesPerId] : new byte[count * RandomBytesPerId];
        RandomNumberGenerator.Fill(random);
        var nowMs = at.ToUnixTimeMilliseconds();
        for (var i = 0; i < count; i++)
        {
            var bits = random.Slice(i * RandomBytesPerId, RandomBytesPerId);
            if (nowMs > _lastMs)
            {
                _lastMs = nowMs;
                _lastRandom = Fresh(bits);
            }
            else
            {
                var next = _lastRandom + BinaryPrimitives.ReadUInt32BigEndian(bits) + 1;
                if (next > RandomMask)
                {
                    _lastMs++;
                    next = Fresh(bits);
                }

                _lastRandom = next;
            }

            ids[i] = Compose(_lastMs, _lastRandom);
        }

        return ids;
    }

    private static UInt128 Fresh(ReadOnlySpan<byte> bits) =>
        (((UInt128)BinaryPrimitives.ReadUInt16BigEndian(bits) << 64) | BinaryPrimitives.ReadUInt64BigEndian(bits[2..])) & FreshMask;

    /// <summary>unix_ts_ms (48 bits) | ver (4) rand_a (12) | var (2) rand_b (62), big-endian.</summary>
    private static Guid Compose(long unixMs, UInt128 random)
    {
        Span<byte> bytes = stackalloc byte[16];
        var high = ((ulong)unixMs << 16) | 0x7000UL | (ulong)(random >> 62);
        var low = 0x8000_0000_0000_0000UL | ((ulong)random & RandBMask);
        BinaryPrimitives.WriteUInt64BigEndian(bytes, high);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], low);
        return new Guid(bytes, bigEndian: true);
    }
}
