using System.Buffers;
using System.Text;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using OrleansChat.Gateway.Auth;
using OrleansChat.Gateway.Protocol;
using OrleansChat.Persistence.Attachments;

namespace OrleansChat.Gateway.Rest;

/// <summary>An upload as PROTOCOL.md 7 answers it; <c>width</c> and <c>height</c> only for images.</summary>
internal sealed record AttachmentDto(
    string AttachmentId,
    string Name,
    string ContentType,
    long Size,
    string Sha256,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Width,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Height)
{
    public static AttachmentDto From(AttachmentRecord record) =>
        new(record.AttachmentId.ToString(), record.Name, record.ContentType, record.Size, record.Sha256, record.Width, record.Height);
}

/// <summary>
/// PROTOCOL.md 7: uploads, streamed from the multipart body to the attachment store a piece at a time (the framework's
/// form reading would buffer the file), and downloads (<see cref="AttachmentDownloads"/>).
/// </summary>
internal static class AttachmentsApi
{
    /// <summary>What a multipart body may hold beside the file's bytes (boundaries, part headers, small fields).</summary>
    private const long MultipartOverheadBytes = 64 * 1024;

    /// <summary>How much of a file is checked and written at a time (small enough to stay in the core's cache).</summary>
    private const int PieceBytes = 64 * 1024;

    private const int MaxNameLength = 255;

    public static void MapAttachmentsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/attachments", Upload)
            .Accepts<IFormFile>("multipart/form-data")
            .Problems(StatusCodes.Status400BadRequest, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType);
        api.MapGet("/attachments/{attachmentId}", AttachmentDownloads.Download)
            .Problems(StatusCodes.Status404NotFound, StatusCodes.Status416RangeNotSatisfiable);
        api.MapGet("/attachments/{attachmentId}/thumbnail", AttachmentDownloads.Thumbnail)
            .Problems(StatusCodes.Status404NotFound);
    }

    private static async Task<Created<AttachmentDto>> Upload(HttpContext context, IAttachmentStore store, IOptions<AttachmentOptions> options, TimeProvider time)
    {
        var settings = options.Value;
        var request = context.Request;
        var bodyLimit = settings.MaxBytes + MultipartOverheadBytes;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = bodyLimit;
        }

        if (request.ContentLength > bodyLimit)
        {
            throw new ProtocolException(ProtocolError.TooLarge($"The file is larger than {settings.MaxBytes} bytes."));
        }

        var boundary = Boundary(request.ContentType);
        var reader = new MultipartReader(boundary, request.Body);
        IAttachmentWriter? writer = null;
        try
        {
            AttachmentRecord? record = null;
            while (await reader.ReadNextSectionAsync(context.RequestAborted) is { } section)
            {
                if (!IsFilePart(section, out var fileName))
                {
                    await section.Body.CopyToAsync(Stream.Null, context.RequestAborted);
                    continue;
                }

                if (writer is not null)
                {
                    throw Bad("The body must hold exactly one part named 'file'; it holds more.");
                }

                var id = Guid.CreateVersion7(time.GetUtcNow());
                writer = await store.BeginAsync(id, context.RequestAborted);
                var content = await ReceiveAsync(section.Body, writer, settings, context.RequestAborted);
                record = new AttachmentRecord(
                    id, context.UserId(), CleanName(fileName), content.ContentType, content.Size, content.Sha256, content.Width, content.Height, time.GetUtcNow());
            }

            if (writer is null || record is null)
            {
                throw Bad("The body must hold exactly one part named 'file'; it holds none.");
            }

            await writer.CommitAsync(record, context.RequestAborted);
            return TypedResults.Created($"{GatewayEndpoints.ApiPath}/attachments/{record.AttachmentId}", AttachmentDto.From(record));
        }
        catch (AttachmentRejectedException e)
        {
            throw new ProtocolException(e.Reason switch
            {
                AttachmentRejection.TooLarge => ProtocolError.TooLarge(e.Message),
                AttachmentRejection.UnsupportedType => new ProtocolError("bad_request", StatusCodes.Status415UnsupportedMediaType, e.Message),
                _ => ProtocolError.BadRequest(e.Message),
            });
        }
        catch (Exception e) when (e is IOException or InvalidDataException && !context.RequestAborted.IsCancellationRequested && e is not BadHttpRequestException)
        {
            // The multipart body broke off or broke its own rules (no closing boundary, a header line too long).
            throw Bad($"The multipart body is malformed: {e.Message}");
        }
        finally
        {
            if (writer is not null)
            {
                await writer.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Streams one part to the store through the intake's checks, a piece at a time. A section's read answers what its
    /// reader holds, often less than a piece, so each piece is filled before it is written: the store gets one write
    /// call (the file store a thread-pool hop) per piece, not per read.
    /// </summary>
    private static async Task<AttachmentContent> ReceiveAsync(Stream part, IAttachmentWriter writer, AttachmentOptions settings, CancellationToken cancellationToken)
    {
        using var intake = new AttachmentIntake(settings);
        var buffer = ArrayPool<byte>.Shared.Rent(PieceBytes);
        try
        {
            int read;
            while ((read = await part.ReadAtLeastAsync(buffer.AsMemory(0, PieceBytes), PieceBytes, throwOnEndOfStream: false, cancellationToken)) > 0)
            {
                intake.Append(buffer.AsSpan(0, read));
                await writer.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return intake.Complete();
    }

    private static string Boundary(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType) ||
            !string.Equals(mediaType.MediaType.Value, "multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            throw new ProtocolException(new ProtocolError("bad_request", StatusCodes.Status415UnsupportedMediaType, "The body must be multipart/form-data."));
        }

        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        return string.IsNullOrEmpty(boundary) || boundary.Length > 70
            ? throw Bad("The multipart body needs a boundary of 1 to 70 characters.")
            : boundary;
    }

    private static bool IsFilePart(MultipartSection section, out string fileName)
    {
        fileName = "";
        if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) ||
            !string.Equals(disposition.DispositionType.Value, "form-data", StringComparison.OrdinalIgnoreCase) ||
            !string.Equals(HeaderUtilities.RemoveQuotes(disposition.Name).Value, "file", StringComparison.Ordinal))
        {
            return false;
        }

        fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value ?? "";
        return true;
    }

    /// <summary>The name as given, without a path, control characters or broken surrogates, at most 255 characters.</summary>
    private static string CleanName(string fileName)
    {
        var name = fileName[(fileName.LastIndexOfAny(['/', '\\']) + 1)..];
        var cleaned = new StringBuilder();
        foreach (var rune in name.EnumerateRunes())
        {
            if (Rune.IsControl(rune) || rune == Rune.ReplacementChar || cleaned.Length + rune.Utf16SequenceLength > MaxNameLength)
            {
                continue;
            }

            cleaned.Append(rune.ToString());
        }

        var trimmed = cleaned.ToString().Trim();
        return trimmed.Length == 0 ? "file" : trimmed;
    }

    private static ProtocolException Bad(string message) => new(ProtocolError.BadRequest(message));
}
