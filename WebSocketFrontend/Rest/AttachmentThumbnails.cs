using SkiaSharp;

namespace OrleansChat.Gateway.Rest;

/// <summary>
/// Thumbnails of uploaded images (PROTOCOL.md 7): a JPEG at most <see cref="MaxSide"/> pixels on its longer side, with
/// SkiaSharp (MIT). A JPEG is decoded at the smallest of its built-in scales that is still at least the thumbnail's
/// size, so a large photo never costs its full-size bitmap; transparency is laid on white, which JPEG has no way to say.
/// </summary>
internal static class AttachmentThumbnails
{
    public const int MaxSide = 320;

    public const string ContentType = "image/jpeg";

    private const int Quality = 80;

    /// <summary>The thumbnail of <paramref name="image"/>; null when SkiaSharp cannot decode it.</summary>
    public static byte[]? Make(Stream image)
    {
        using var codec = SKCodec.Create(image);
        if (codec is null || codec.Info.Width <= 0 || codec.Info.Height <= 0)
        {
            return null;
        }

        var (width, height) = (codec.Info.Width, codec.Info.Height);
        var scale = Math.Min(1.0, MaxSide / (double)Math.Max(width, height));
        var target = new SKImageInfo(Math.Max(1, (int)Math.Round(width * scale)), Math.Max(1, (int)Math.Round(height * scale)), SKColorType.Rgba8888, SKAlphaType.Premul);

        using var decoded = Decode(codec, (float)scale);
        if (decoded is null)
        {
            return null;
        }

        using var surface = SKSurface.Create(target);
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        canvas.DrawBitmap(decoded, new SKRect(0, 0, target.Width, target.Height), new SKSamplingOptions(SKCubicResampler.Mitchell), paint: null);
        using var snapshot = surface.Snapshot();
        using var encoded = snapshot.Encode(SKEncodedImageFormat.Jpeg, Quality);
        return encoded?.ToArray();
    }

    private static SKBitmap? Decode(SKCodec codec, float scale)
    {
        var size = codec.GetScaledDimensions(scale);
        var info = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result is SKCodecResult.Success or SKCodecResult.IncompleteInput)
        {
            return bitmap;
        }

        bitmap.Dispose();
        return null;
    }
}
