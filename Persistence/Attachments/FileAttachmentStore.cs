using System.Buffers;
using Microsoft.Data.Sqlite;
using OrleansChat.Persistence.Sqlite;

namespace OrleansChat.Persistence.Attachments;

/// <summary>
/// Attachments in the embedded default: each one's bytes a file <c>{DataDirectory}/attachments/{id}</c>, its
/// description a row of <c>attachments</c> in <c>chat.db</c>. A file is written under a temporary name and renamed once
/// complete and flushed to disk, so a crash never leaves half a file under a real id; the row is written after the
/// rename, so a row always has its whole file.
/// </summary>
public sealed partial class FileAttachmentStore(SqliteDatabase database) : IAttachmentStore
{
    public const string FolderName = "attachments";

    private const string PartialSuffix = ".partial";
    private const int CopyBufferBytes = 64 * 1024;

    internal const string Columns = "attachment_id, uploader_id, name, content_type, size, sha256, width, height, created_at, chat_id, seq";

    /// <summary>The folder that holds the files.</summary>
    public string Folder { get; } = Path.Combine(database.DataDirectory, FolderName);

    public async Task<IAttachmentWriter> BeginAsync(Guid attachmentId, CancellationToken cancellationToken = default)
    {
        await database.EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        Directory.CreateDirectory(Folder);
        var partial = Path.Combine(Folder, $"{attachmentId:N}.{Guid.NewGuid():N}{PartialSuffix}");
        var stream = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.Asynchronous);
        return new Writer(this, attachmentId, partial, stream);
    }

    public async Task<AttachmentRecord?> FindAsync(Guid attachmentId, CancellationToken cancellationToken = default)
    {
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = connection.Command($"SELECT {Columns} FROM attachments WHERE attachment_id = $id;").With("$id", Key(attachmentId));
            await using (command.ConfigureAwait(false))
            {
                var rows = await DbRowsOf(command, cancellationToken).ConfigureAwait(false);
                return rows.Count == 0 ? null : rows[0];
            }
        }
    }

    public async Task CopyToAsync(Guid attachmentId, long offset, long length, Stream destination, CancellationToken cancellationToken = default)
    {
        var file = new FileStream(PathOf(attachmentId), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, bufferSize: 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (file.ConfigureAwait(false))
        {
            file.Seek(offset, SeekOrigin.Begin);
            var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferBytes);
            try
            {
                while (length > 0)
                {
                    var read = await file.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, length)), cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        throw new InvalidDataException($"The file of attachment {attachmentId} is shorter than its description says.");
                    }

                    await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    length -= read;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    public async Task<byte[]?> ReadThumbnailAsync(Guid attachmentId, CancellationToken cancellationToken = default)
    {
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = connection.Command("SELECT thumbnail FROM attachments WHERE attachment_id = $id;").With("$id", Key(attachmentId));
            await using (command.ConfigureAwait(false))
            {
                return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as byte[];
            }
        }
    }

    public Task SaveThumbnailAsync(Guid attachmentId, byte[] thumbnail, CancellationToken cancellationToken = default) =>
        ExecuteAsync("UPDATE attachments SET thumbnail = $thumbnail WHERE attachment_id = $id;", cancellationToken, ("$id", Key(attachmentId)), ("$thumbnail", thumbnail));

    public async Task<bool> DeleteAsync(Guid attachmentId, CancellationToken cancellationToken = default)
    {
        var deleted = await ExecuteAsync("DELETE FROM attachments WHERE attachment_id = $id;", cancellationToken, ("$id", Key(attachmentId))).ConfigureAwait(false);
        File.Delete(PathOf(attachmentId));
        return deleted > 0;
    }

    private string PathOf(Guid attachmentId) => Path.Combine(Folder, attachmentId.ToString("N"));

    /// <summary>Where the bytes of an attachment lie under a data directory: for the append path, which removes them after a delete.</summary>
    internal static string FileOf(string dataDirectory, Guid attachmentId) => Path.Combine(dataDirectory, FolderName, attachmentId.ToString("N"));

    private static string Key(Guid attachmentId) => attachmentId.ToString("D");

    private static Task<List<AttachmentRecord>> DbRowsOf(SqliteCommand command, CancellationToken cancellationToken) =>
        Reading.DbRows.ReadAllAsync<SqliteDataReader, AttachmentRecord>(command, ReadRecord, cancellationToken);

    /// <summary>A row of <see cref="Columns"/>.</summary>
    internal static AttachmentRecord ReadRecord(SqliteDataReader reader) => new(
        Guid.Parse(reader.GetString(0)),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetInt64(4),
        reader.GetString(5),
        reader.IsDBNull(6) ? null : reader.GetInt32(6),
        reader.IsDBNull(7) ? null : reader.GetInt32(7),
        UnixTime.FromMilliseconds(reader.GetInt64(8)),
        reader.IsDBNull(9) ? null : reader.GetString(9),
        reader.IsDBNull(10) ? null : reader.GetInt64(10));

    private async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = connection.Command(sql);
            foreach (var (name, value) in parameters)
            {
                command.With(name, value);
            }

            await using (command.ConfigureAwait(false))
            {
                return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task InsertAsync(AttachmentRecord record, CancellationToken cancellationToken) =>
        await ExecuteAsync(
            $"INSERT INTO attachments ({Columns}) VALUES ($id, $uploader, $name, $type, $size, $sha256, $width, $height, $created, $chat, $seq);",
            cancellationToken,
            ("$id", Key(record.AttachmentId)),
            ("$uploader", record.UploaderId),
            ("$name", record.Name),
            ("$type", record.ContentType),
            ("$size", record.Size),
            ("$sha256", record.Sha256),
            ("$width", record.Width),
            ("$height", record.Height),
            ("$created", UnixTime.ToMilliseconds(record.CreatedAt)),
            ("$chat", record.ChatId),
            ("$seq", record.Seq)).ConfigureAwait(false);

    private sealed class Writer(FileAttachmentStore store, Guid attachmentId, string partial, FileStream stream) : IAttachmentWriter
    {
        private bool _committed;
        private bool _closed;

        public ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default) =>
            stream.WriteAsync(bytes, cancellationToken);

        public async Task CommitAsync(AttachmentRecord record, CancellationToken cancellationToken = default)
        {
            if (record.AttachmentId != attachmentId)
            {
                throw new ArgumentException("The record names another attachment than the writer's.", nameof(record));
            }

            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
            await stream.DisposeAsync().ConfigureAwait(false);
            _closed = true;

            var final = store.PathOf(attachmentId);
            File.Move(partial, final, overwrite: false);
            try
            {
                await store.InsertAsync(record, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                File.Delete(final);
                throw;
            }

            _committed = true;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_closed)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
                _closed = true;
            }

            if (!_committed)
            {
                File.Delete(partial);
            }
        }
    }
}
