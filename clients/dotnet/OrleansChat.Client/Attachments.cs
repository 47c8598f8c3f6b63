namespace OrleansChat.Client;

/// <summary>An upload as the server stored it (PROTOCOL.md 7): <c>Sha256</c> in lowercase hex; width and height for images only.</summary>
public sealed record Attachment(string AttachmentId, string Name, string ContentType, long Size, string Sha256, int? Width, int? Height);

/// <summary>An attachment object of a message (PROTOCOL.md 7): width and height for images only.</summary>
public sealed record MessageAttachment(string AttachmentId, string Name, string ContentType, long Size, int? Width, int? Height);

/// <summary>Bytes <paramref name="From"/> to <paramref name="To"/> of a file, both counted from 0 and included; to the end when To is null.</summary>
public readonly record struct AttachmentRange(long From, long? To = null)
{
    internal string Header => $"bytes={From}-{To}";
}

/// <summary>A thumbnail of an image attachment: a JPEG or WebP at most 320 pixels on its longer side.</summary>
public sealed record Thumbnail(string ContentType, byte[] Content);

/// <summary>
/// An attachment's bytes as the server sends them, read from <see cref="Content"/> as they arrive; disposing it ends
/// the download.
/// </summary>
public sealed class AttachmentDownload : IAsyncDisposable, IDisposable
{
    private readonly HttpResponseMessage _response;

    internal AttachmentDownload(HttpResponseMessage response, Stream content)
    {
        _response = response;
        Content = content;
        var headers = response.Content.Headers;
        ContentType = headers.ContentType?.ToString() ?? "application/octet-stream";
        Length = headers.ContentLength ?? -1;
        TotalLength = headers.ContentRange?.Length ?? headers.ContentLength ?? -1;
        Offset = headers.ContentRange?.From ?? 0;
        ETag = response.Headers.ETag?.ToString();
        FileName = headers.ContentDisposition?.FileNameStar ?? headers.ContentDisposition?.FileName?.Trim('"');
    }

    /// <summary>The bytes: the whole file, or the requested range.</summary>
    public Stream Content { get; }

    public string ContentType { get; }

    /// <summary>How many bytes <see cref="Content"/> holds (-1 when the server did not say).</summary>
    public long Length { get; }

    /// <summary>The whole file's size.</summary>
    public long TotalLength { get; }

    /// <summary>Where in the file <see cref="Content"/> starts (0 unless a range was asked for).</summary>
    public long Offset { get; }

    /// <summary>Whether the server answered a range (206) rather than the whole file.</summary>
    public bool IsPartial => _response.StatusCode == System.Net.HttpStatusCode.PartialContent;

    public string? ETag { get; }

    /// <summary>The name the file was uploaded with, from <c>Content-Disposition</c>.</summary>
    public string? FileName { get; }

    public void Dispose()
    {
        Content.Dispose();
        _response.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await Content.DisposeAsync().ConfigureAwait(false);
        _response.Dispose();
    }
}
