using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using OrleansChat.Gateway.Auth;
using OrleansChat.Gateway.Protocol;
using OrleansChat.Persistence.Attachments;

namespace OrleansChat.Gateway.Rest;

/// <summary>
/// PROTOCOL.md 7's downloads: the bytes, streamed from the store, with their type, an ETag (the SHA-256, so a client's
/// copy is checked with If-None-Match), one byte range at a time, and headers that keep a browser from reading them as
/// anything else; and an image's thumbnail, made on first request and kept. Anyone who may not see an attachment gets
/// the same 404 as for an id that names none.
/// </summary>
internal static class AttachmentDownloads
{
    public static async Task<EmptyHttpResult> Download(string attachmentId, HttpContext context, IAttachmentStore store, IGrainFactory grains)
    {
        var record = await FindVisibleAsync(attachmentId, context, store, grains);
        var etag = new EntityTagHeaderValue($"\"{record.Sha256}\"");
        var response = context.Response;
        if (IsNotModified(context.Request, etag))
        {
            WriteValidators(response, etag);
            response.StatusCode = StatusCodes.Status304NotModified;
            return TypedResults.Empty;
        }

        var (offset, length) = (0L, record.Size);
        if (RequestedRange(context.Request, etag) is { } range)
        {
            (offset, length) = Satisfiable(range, record.Size) ?? throw Unsatisfiable(response, record.Size);
            response.StatusCode = StatusCodes.Status206PartialContent;
            response.Headers.ContentRange = new ContentRangeHeaderValue(offset, offset + length - 1, record.Size).ToString();
        }

        WriteValidators(response, etag);
        WriteContentHeaders(response, record.ContentType == "text/plain" ? "text/plain; charset=utf-8" : record.ContentType, record);
        response.Headers.AcceptRanges = "bytes";
        response.ContentLength = length;
        await store.CopyToAsync(record.AttachmentId, offset, length, response.Body, context.RequestAborted);
        return TypedResults.Empty;
    }

    public static async Task<EmptyHttpResult> Thumbnail(string attachmentId, HttpContext context, IAttachmentStore store, IGrainFactory grains)
    {
        var record = await FindVisibleAsync(attachmentId, context, store, grains);
        if (!record.IsImage)
        {
            throw NotFound(attachmentId, "has no thumbnail: it is not an image");
        }

        var etag = new EntityTagHeaderValue($"\"{record.Sha256}-{AttachmentThumbnails.MaxSide}\"");
        var response = context.Response;
        WriteValidators(response, etag);
        if (IsNotModified(context.Request, etag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return TypedResults.Empty;
        }

        var thumbnail = await store.ReadThumbnailAsync(record.AttachmentId, context.RequestAborted)
            ?? await MakeThumbnailAsync(record, store, context.RequestAborted);
        WriteContentHeaders(response, AttachmentThumbnails.ContentType, record);
        response.ContentLength = thumbnail.Length;
        await response.Body.WriteAsync(thumbnail, context.RequestAborted);
        return TypedResults.Empty;
    }

    /// <summary>
    /// The attachment, when the caller may see it: its uploader, and the current members of the chat whose message
    /// carries it (the caller's user grain lists their chats; a member removed since is no longer in it).
    /// </summary>
    private static async Task<AttachmentRecord> FindVisibleAsync(string attachmentId, HttpContext context, IAttachmentStore store, IGrainFactory grains)
    {
        if (!Guid.TryParseExact(attachmentId, "D", out var id) || id.ToString() != attachmentId)
        {
            throw NotFound(attachmentId, "exists");
        }

        var record = await store.FindAsync(id, context.RequestAborted);
        var userId = context.UserId();
        if (record is null || (record.UploaderId != userId && !await IsMemberAsync(grains, userId, record.ChatId)))
        {
            throw NotFound(attachmentId, "exists");
        }

        return record;
    }

    private static async Task<bool> IsMemberAsync(IGrainFactory grains, string userId, string? chatId)
    {
        if (chatId is null)
        {
            return false;
        }

        foreach (var chat in await grains.GetGrain<IUserGrain>(userId).GetChats())
        {
            if (chat.ChatId == chatId)
            {
                return true;
            }
        }

        return false;
    }

    private static async Task<byte[]> MakeThumbnailAsync(AttachmentRecord record, IAttachmentStore store, CancellationToken cancellationToken)
    {
        // Decoding needs the whole image; its size is bounded by Attachments:MaxBytes and its pixels by MaxImagePixels.
        using var image = new MemoryStream(checked((int)record.Size));
        await store.CopyToAsync(record.AttachmentId, 0, record.Size, image, cancellationToken);
        image.Position = 0;
        var thumbnail = AttachmentThumbnails.Make(image) ?? throw NotFound(record.AttachmentId.ToString(), "has no thumbnail: the image cannot be decoded");
        await store.SaveThumbnailAsync(record.AttachmentId, thumbnail, cancellationToken);
        return thumbnail;
    }

    private static bool IsNotModified(HttpRequest request, EntityTagHeaderValue etag) =>
        request.GetTypedHeaders().IfNoneMatch is { Count: > 0 } tags &&
        tags.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(etag, useStrongComparison: false));

    /// <summary>The one byte range asked for, unless If-Range names another version; several ranges are answered whole.</summary>
    private static RangeItemHeaderValue? RequestedRange(HttpRequest request, EntityTagHeaderValue etag)
    {
        var headers = request.GetTypedHeaders();
        if (headers.Range is not { Ranges.Count: 1 } range || !string.Equals(range.Unit.Value, "bytes", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return headers.IfRange is { } condition && (condition.EntityTag is null || !condition.EntityTag.Compare(etag, useStrongComparison: true))
            ? null
            : range.Ranges.Single();
    }

    private static (long Offset, long Length)? Satisfiable(RangeItemHeaderValue range, long size)
    {
        if (range.From is { } from)
        {
            return from >= size ? null : (from, Math.Min(range.To ?? size - 1, size - 1) - from + 1);
        }

        var suffix = range.To ?? 0;
        return suffix <= 0 ? null : (Math.Max(0, size - suffix), Math.Min(suffix, size));
    }

    private static ProtocolException Unsatisfiable(HttpResponse response, long size)
    {
        response.Headers.ContentRange = string.Create(CultureInfo.InvariantCulture, $"bytes */{size}");
        return new ProtocolException(new ProtocolError("bad_request", StatusCodes.Status416RangeNotSatisfiable, $"The range lies past the end of the {size} bytes."));
    }

    private static void WriteValidators(HttpResponse response, EntityTagHeaderValue etag)
    {
        response.Headers.ETag = etag.ToString();
        response.Headers.CacheControl = "private, no-cache";
    }

    private static void WriteContentHeaders(HttpResponse response, string contentType, AttachmentRecord record)
    {
        response.ContentType = contentType;
        var disposition = new ContentDispositionHeaderValue(record.IsImage ? "inline" : "attachment");
        disposition.SetHttpFileName(record.Name);
        response.Headers.ContentDisposition = disposition.ToString();
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
    }

    private static ProtocolException NotFound(string attachmentId, string what) =>
        new(ProtocolError.NotFound($"No attachment '{attachmentId}' {what}."));
}
