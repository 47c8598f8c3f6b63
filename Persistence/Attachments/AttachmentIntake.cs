using System.Security.Cryptography;
using System.Text;

namespace OrleansChat.Persistence.Attachments;

/// <summary>Why an upload was refused (PROTOCOL.md 7).</summary>
public enum AttachmentRejection
{
    /// <summary>A zero-byte file.</summary>
    Empty,

    /// <summary>Over <c>Attachments:MaxBytes</c>, or an image over <c>Attachments:MaxImagePixels</c>.</summary>
    TooLarge,

    /// <summary>Bytes of no type in <c>Attachments:AllowedTypes</c>.</summary>
    UnsupportedType,
}

/// <summary>An upload broke a rule of PROTOCOL.md 7; nothing of it is kept.</summary>
public sealed class AttachmentRejectedException(AttachmentRejection reason, string message) : Exception(message)
{
    public AttachmentRejection Reason { get; } = reason;
}

/// <summary>What the bytes of an upload turned out to be.</summary>
public sealed record AttachmentContent(string ContentType, long Size, string Sha256, int? Width, int? Height);

/// <summary>
/// Looks at one upload's bytes as they stream past, holding only its first and last few: counts them against the
/// limit, tells the type from the first ones, hashes them, reads an image's size from its header and checks how it
/// ends. Each call that breaks a rule throws <see cref="AttachmentRejectedException"/> at once, so the upload stops
/// there.
/// </summary>
public sealed class AttachmentIntake : IDisposable
{
    private readonly AttachmentOptions _options;
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] _head = new byte[ContentSniffer.HeadBytes];
    private readonly byte[] _tail = new byte[ContentSniffer.TailBytes];
    private readonly Decoder _utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetDecoder();
    private readonly char[] _chars = new char[1024];
    private JpegFrameScanner? _jpeg;
    private int _headFilled;
    private int _tailFilled;
    private long _size;
    private string? _type;

    public AttachmentIntake(AttachmentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <summary>Takes the next bytes of the upload.</summary>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        _size += bytes.Length;
        if (_size > _options.MaxBytes)
        {
            throw new AttachmentRejectedException(AttachmentRejection.TooLarge, $"The file is larger than {_options.MaxBytes} bytes.");
        }

        _sha256.AppendData(bytes);
        KeepTail(bytes);
        if (_type is not null)
        {
            Inspect(bytes);
            return;
        }

        var take = Math.Min(_head.Length - _headFilled, bytes.Length);
        bytes[..take].CopyTo(_head.AsSpan(_headFilled));
        _headFilled += take;
        if (_headFilled == _head.Length)
        {
            Decide();
            Inspect(_head);
            Inspect(bytes[take..]);
        }
    }

    /// <summary>The upload's content once every byte was appended; throws when the whole file breaks a rule.</summary>
    public AttachmentContent Complete()
    {
        if (_size == 0)
        {
            throw new AttachmentRejectedException(AttachmentRejection.Empty, "The file is empty.");
        }

        if (_type is null)
        {
            Decide();
            Inspect(_head.AsSpan(0, _headFilled));
        }

        var type = _type!;
        if (type == ContentSniffer.Text)
        {
            CheckText(ReadOnlySpan<byte>.Empty, flush: true);
        }

        if (!ContentSniffer.EndsWell(type, _head, _tail.AsSpan(0, _tailFilled), _size))
        {
            throw Unsupported($"The file starts as {type} but does not end as one.");
        }

        var dimensions = type == ContentSniffer.Jpeg
            ? _jpeg!.Width is { } w && _jpeg.Height is { } h ? (w, h) : default((int, int)?)
            : ContentSniffer.Dimensions(type, _head);
        if (type.StartsWith("image/", StringComparison.Ordinal))
        {
            if (dimensions is not { Item1: > 0, Item2: > 0 } size)
            {
                throw Unsupported($"The file starts as {type} but has no valid width and height.");
            }

            if ((long)size.Item1 * size.Item2 > _options.MaxImagePixels)
            {
                throw new AttachmentRejectedException(AttachmentRejection.TooLarge, $"The image has more than {_options.MaxImagePixels} pixels.");
            }
        }

        return new AttachmentContent(type, _size, Convert.ToHexStringLower(_sha256.GetHashAndReset()), dimensions?.Item1, dimensions?.Item2);
    }

    public void Dispose() => _sha256.Dispose();

    private void Decide()
    {
        var head = _head.AsSpan(0, _headFilled);
        _type = ContentSniffer.Sniff(head) ?? throw Unsupported("The file starts like a known type but breaks its structure.");
        if (!_options.EffectiveAllowedTypes.Contains(_type))
        {
            throw Unsupported($"Files of type {_type} are not allowed.");
        }

        if (_type == ContentSniffer.Jpeg)
        {
            _jpeg = new JpegFrameScanner();
        }
    }

    /// <summary>The checks that need every byte, for the types that have them.</summary>
    private void Inspect(ReadOnlySpan<byte> bytes)
    {
        if (_type == ContentSniffer.Text)
        {
            CheckText(bytes, flush: false);
        }
        else
        {
            _jpeg?.Feed(bytes);
        }
    }

    /// <summary>Plain text is UTF-8 without NULs or control characters other than tab, line feed and carriage return.</summary>
    private void CheckText(ReadOnlySpan<byte> bytes, bool flush)
    {
        foreach (var b in bytes)
        {
            if ((b < 0x20 && b is not (byte)'\t' and not (byte)'\n' and not (byte)'\r') || b == 0x7F)
            {
                throw Unsupported("The file is not text, nor of another known type.");
            }
        }

        try
        {
            // Convert keeps a sequence split between two appends for the next one (GetCharCount would forget it).
            bool completed;
            do
            {
                _utf8.Convert(bytes, _chars, flush, out var used, out _, out completed);
                bytes = bytes[used..];
            }
            while (!completed);
        }
        catch (DecoderFallbackException)
        {
            throw Unsupported("The file is not UTF-8 text, nor of another known type.");
        }
    }

    private void KeepTail(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length >= _tail.Length)
        {
            bytes[^_tail.Length..].CopyTo(_tail);
            _tailFilled = _tail.Length;
            return;
        }

        var keep = Math.Min(_tailFilled, _tail.Length - bytes.Length);
        _tail.AsSpan(_tailFilled - keep, keep).CopyTo(_tail);
        bytes.CopyTo(_tail.AsSpan(keep));
        _tailFilled = keep + bytes.Length;
    }

    private static AttachmentRejectedException Unsupported(string message) => new(AttachmentRejection.UnsupportedType, message);
}
