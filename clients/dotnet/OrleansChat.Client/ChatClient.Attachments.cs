using System.Net.Http.Headers;
using System.Text.Json;

namespace OrleansChat.Client;

/// <summary>
/// PROTOCOL.md 7 over REST: uploads streamed from the caller's stream and downloads streamed to the caller, so a file
/// is never held whole in memory. These calls need no open connection: a client that was never started may make them.
/// </summary>
public sealed partial class ChatClient
{
    private ChatRest? _rest;

    private ChatRest Rest => _rest ??= new ChatRest(_options);

    /// <summary>
    /// Uploads <paramref name="content"/> from where it stands to its end as <c>multipart/form-data</c> with one part
    /// named <c>file</c>, reading it a piece at a time; <paramref name="progress"/> hears the bytes sent so far after each
    /// piece. The server decides the type from the bytes. Refusals throw <see cref="ChatErrorException"/> with the
    /// problem's code and status: 413 <c>too_large</c>, 415 <c>bad_request</c> (a type outside the allowed ones), 400
    /// <c>bad_request</c> (an empty file).
    /// </summary>
    public async Task<Attachment> UploadAttachmentAsync(
        Stream content, string fileName, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        using var form = new MultipartFormDataContent();
        var file = new UploadContent(content, progress);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", fileName);
        using var request = new HttpRequestMessage(HttpMethod.Post, Rest.Address("attachments")) { Content = form };
        using var response = await Rest.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var answer = await ChatRest.ReadJsonAsync(response, cancellationToken).ConfigureAwait(false);
        return new Attachment(
            answer.GetProperty("attachmentId").GetString() ?? "",
            answer.GetProperty("name").GetString() ?? "",
            answer.GetProperty("contentType").GetString() ?? "",
            answer.GetProperty("size").GetInt64(),
            answer.GetProperty("sha256").GetString() ?? "",
            Int32(answer, "width"),
            Int32(answer, "height"));
    }

    /// <summary>
    /// Opens an attachment (or <paramref name="range"/> of it) for reading; the bytes arrive as the caller reads the
    /// download's stream. Anyone who may not see it gets <see cref="ChatErrorException"/> with status 404, a range past
    /// the end 416.
    /// </summary>
    public async Task<AttachmentDownload> OpenAttachmentAsync(
        string attachmentId, AttachmentRange? range = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(attachmentId);
        using var request = new HttpRequestMessage(HttpMethod.Get, Rest.Address($"attachments/{Uri.EscapeDataString(attachmentId)}"));
        if (range is { } bytes)
        {
            request.Headers.TryAddWithoutValidation("Range", bytes.Header);
        }

        var response = await Rest.SendAsync(request, cancellationToken).ConfigureAwait(false);
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return new AttachmentDownload(response, stream);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>An image attachment's thumbnail (PROTOCOL.md 7); 404 for anything that is not an image.</summary>
    public async Task<Thumbnail> DownloadThumbnailAsync(string attachmentId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(attachmentId);
        using var request = new HttpRequestMessage(HttpMethod.Get, Rest.Address($"attachments/{Uri.EscapeDataString(attachmentId)}/thumbnail"));
        using var response = await Rest.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return new Thumbnail(response.Content.Headers.ContentType?.MediaType ?? "", bytes);
    }

    private static int? Int32(JsonElement answer, string name) =>
        answer.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : null;

    /// <summary>A file part read from the caller's stream a piece at a time, counting what was sent.</summary>
    private sealed class UploadContent(Stream source, IProgress<long>? progress) : HttpContent
    {
        private const int PieceBytes = 128 * 1024;

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context, CancellationToken cancellationToken)
        {
            var buffer = new byte[PieceBytes];
            long sent = 0;
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                sent += read;
                progress?.Report(sent);
            }
        }

        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        // A seekable stream's length is known, so the body goes with a Content-Length; any other is sent chunked.
        protected override bool TryComputeLength(out long length)
        {
            length = source.CanSeek ? source.Length - source.Position : 0;
            return source.CanSeek;
        }
    }
}
