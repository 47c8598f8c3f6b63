namespace OrleansChat.Persistence.Attachments;

/// <summary>
/// An uploaded file's description, as stored beside its bytes. <see cref="ChatId"/> and <see cref="Seq"/> name the
/// message that carries it, null while none does (an orphan, removed after <c>Attachments:OrphanTtl</c>).
/// </summary>
public sealed record AttachmentRecord(
    Guid AttachmentId,
    string UploaderId,
    string Name,
    string ContentType,
    long Size,
    string Sha256,
    int? Width,
    int? Height,
    DateTimeOffset CreatedAt,
    string? ChatId = null,
    long? Seq = null)
{
    public bool IsImage => ContentType.StartsWith("image/", StringComparison.Ordinal);
}

/// <summary>
/// Where attachments live: their bytes, streamed both ways and never held whole, and their descriptions. Files under
/// <c>Storage:DataDirectory</c> in the embedded default, PostgreSQL in a cluster; both pass one conformance suite.
/// </summary>
public interface IAttachmentStore
{
    /// <summary>
    /// Starts storing the bytes of a new attachment. Nothing is visible under <paramref name="attachmentId"/> until the
    /// writer commits; a writer disposed without committing leaves nothing behind.
    /// </summary>
    Task<IAttachmentWriter> BeginAsync(Guid attachmentId, CancellationToken cancellationToken = default);

    /// <summary>The attachment's description, or null when there is no such attachment.</summary>
    Task<AttachmentRecord?> FindAsync(Guid attachmentId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes <paramref name="length"/> bytes of the attachment from <paramref name="offset"/> to
    /// <paramref name="destination"/>, a piece at a time. The range lies within the attachment's size.
    /// </summary>
    Task CopyToAsync(Guid attachmentId, long offset, long length, Stream destination, CancellationToken cancellationToken = default);

    /// <summary>The thumbnail kept for the attachment, or null when none was made yet.</summary>
    Task<byte[]?> ReadThumbnailAsync(Guid attachmentId, CancellationToken cancellationToken = default);

    /// <summary>Keeps <paramref name="thumbnail"/> for the attachment, so that it is made once.</summary>
    Task SaveThumbnailAsync(Guid attachmentId, byte[] thumbnail, CancellationToken cancellationToken = default);

    /// <summary>Removes the attachment, its bytes and its thumbnail; false when there was none.</summary>
    Task<bool> DeleteAsync(Guid attachmentId, CancellationToken cancellationToken = default);

    /// <summary>Removes every attachment that no message carries and that was created before <paramref name="createdBefore"/>; how many.</summary>
    Task<int> DeleteOrphansAsync(DateTimeOffset createdBefore, CancellationToken cancellationToken = default);
}

/// <summary>The bytes of one attachment on their way in.</summary>
public interface IAttachmentWriter : IAsyncDisposable
{
    /// <summary>Appends the next bytes.</summary>
    ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes the bytes written the attachment <paramref name="record"/> describes (its id is the writer's), in one step:
    /// a crash before it leaves nothing under the id, a crash after it the whole attachment.
    /// </summary>
    Task CommitAsync(AttachmentRecord record, CancellationToken cancellationToken = default);
}
