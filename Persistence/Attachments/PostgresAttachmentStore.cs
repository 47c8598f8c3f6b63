using System.Buffers;
using System.Data;
using Npgsql;
using NpgsqlTypes;
using OrleansChat.Persistence.Postgres;

namespace OrleansChat.Persistence.Attachments;

/// <summary>
/// Attachments in a cluster, so that any process serves any of them: each one's bytes rows of
/// <c>attachment_chunks</c> of <see cref="ChunkBytes"/> each, its description a row of <c>attachments</c>. An upload
/// writes its chunks as they fill and its row last, in one transaction: until it commits nobody sees any of it, and a
/// writer that never commits rolls it all back. Reads fetch only the chunks a range needs, one row at a time.
/// </summary>
public sealed class PostgresAttachmentStore(PostgresDatabase database) : IAttachmentStore
{
    /// <summary>The size of every chunk but an attachment's last; fixed, since ranges are found by it.</summary>
    public const int ChunkBytes = 256 * 1024;

    internal const string Columns = "attachment_id, uploader_id, name, content_type, size, sha256, width, height, created_at, chat_id, seq";

    public async Task<IAttachmentWriter> BeginAsync(Guid attachmentId, CancellationToken cancellationToken = default)
    {
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            return new Writer(connection, transaction, attachmentId);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async Task<AttachmentRecord?> FindAsync(Guid attachmentId, CancellationToken cancellationToken = default)
    {
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = connection.Command($"SELECT {Columns} FROM attachments WHERE attachment_id = $1;", attachmentId);
            await using (command.ConfigureAwait(false))
            {
                var rows = await command.ReadAllAsync(ReadRecord, cancellationToken).ConfigureAwait(false);
                return rows.Count == 0 ? null : rows[0];
            }
        }
    }

    public async Task CopyToAsync(Guid attachmentId, long offset, long length, Stream destination, CancellationToken cancellationToken = default)
    {
        if (length <= 0)
        {
            return;
        }

        var first = (int)(offset / ChunkBytes);
        var last = (int)((offset + length - 1) / ChunkBytes);
        var skip = offset - ((long)first * ChunkBytes);
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = connection.Command(
                "SELECT data FROM attachment_chunks WHERE attachment_id = $1 AND chunk BETWEEN $2 AND $3 ORDER BY chunk;", attachmentId, first, last);
            await using (command.ConfigureAwait(false))
            {
                var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
                    try
                    {
                        while (length > 0 && await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            var chunk = await reader.GetStreamAsync(0, cancellationToken).ConfigureAwait(false);
                            await using (chunk.ConfigureAwait(false))
                            {
                                length -= await CopyChunkAsync(chunk, skip, length, buffer, destination, cancellationToken).ConfigureAwait(false);
                                skip = 0;
                            }
                        }
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                    }
                }
            }
        }

        if (length > 0)
        {
            throw new InvalidDataException($"The chunks of attachment {attachmentId} are shorter than its description says.");
        }
    }

    public async Task<byte[]?> ReadThumbnailAsync(Guid attachmentId, CancellationToken cancellationToken = default)
    {
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = connection.Command("SELECT thumbnail FROM attachments WHERE attachment_id = $1;", attachmentId);
            await using (command.ConfigureAwait(false))
            {
                return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as byte[];
            }
        }
    }

    public async Task SaveThumbnailAsync(Guid attachmentId, byte[] thumbnail, CancellationToken cancellationToken = default)
    {
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await connection.ExecuteAsync("UPDATE attachments SET thumbnail = $2 WHERE attachment_id = $1;", cancellationToken, attachmentId, thumbnail)
                .ConfigureAwait(false);
        }
    }

    public async Task<bool> DeleteAsync(Guid attachmentId, CancellationToken cancellationToken = default)
    {
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = connection.Command("DELETE FROM attachments WHERE attachment_id = $1;", attachmentId);
            await using (command.ConfigureAwait(false))
            {
                return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
            }
        }
    }

    public async Task<int> DeleteOrphansAsync(DateTimeOffset createdBefore, CancellationToken cancellationToken = default)
    {
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = connection.Command("DELETE FROM attachments WHERE chat_id IS NULL AND created_at < $1;", createdBefore.ToUniversalTime());
            await using (command.ConfigureAwait(false))
            {
                return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Copies what is left of <paramref name="length"/> from one chunk after skipping <paramref name="skip"/> bytes; how many were copied.</summary>
    private static async Task<long> CopyChunkAsync(Stream chunk, long skip, long length, byte[] buffer, Stream destination, CancellationToken cancellationToken)
    {
        long copied = 0;
        while (copied < length)
        {
            var want = skip > 0 ? (int)Math.Min(buffer.Length, skip) : (int)Math.Min(buffer.Length, length - copied);
            var read = await chunk.ReadAsync(buffer.AsMemory(0, want), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            if (skip > 0)
            {
                skip -= read;
                continue;
            }

            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            copied += read;
        }

        return copied;
    }

    internal static AttachmentRecord ReadRecord(NpgsqlDataReader reader) => new(
        reader.GetGuid(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetInt64(4),
        reader.GetString(5),
        reader.IsDBNull(6) ? null : reader.GetInt32(6),
        reader.IsDBNull(7) ? null : reader.GetInt32(7),
        reader.GetFieldValue<DateTimeOffset>(8),
        reader.IsDBNull(9) ? null : reader.GetString(9),
        reader.IsDBNull(10) ? null : reader.GetInt64(10));

    private sealed class Writer(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid attachmentId) : IAttachmentWriter
    {
        private readonly byte[] _chunk = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        private int _filled;
        private int _next;
        private bool _disposed;

        public async ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default)
        {
            while (!bytes.IsEmpty)
            {
                var take = Math.Min(ChunkBytes - _filled, bytes.Length);
                bytes.Span[..take].CopyTo(_chunk.AsSpan(_filled));
                _filled += take;
                bytes = bytes[take..];
                if (_filled == ChunkBytes)
                {
                    await WriteChunkAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }

        public async Task CommitAsync(AttachmentRecord record, CancellationToken cancellationToken = default)
        {
            if (record.AttachmentId != attachmentId)
            {
                throw new ArgumentException("The record names another attachment than the writer's.", nameof(record));
            }

            if (_filled > 0)
            {
                await WriteChunkAsync(cancellationToken).ConfigureAwait(false);
            }

            await connection.ExecuteAsync(
                    $"INSERT INTO attachments ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11);",
                    cancellationToken,
                    record.AttachmentId,
                    record.UploaderId,
                    record.Name,
                    record.ContentType,
                    record.Size,
                    record.Sha256,
                    record.Width,
                    record.Height,
                    record.CreatedAt.ToUniversalTime(),
                    record.ChatId,
                    record.Seq)
                .ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        public async ValueTask DisposeAsync()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            ArrayPool<byte>.Shared.Return(_chunk);
            await transaction.DisposeAsync().ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        private async Task WriteChunkAsync(CancellationToken cancellationToken)
        {
            var command = new NpgsqlCommand("INSERT INTO attachment_chunks (attachment_id, chunk, data) VALUES ($1, $2, $3);", connection, transaction)
            {
                Parameters =
                {
                    new NpgsqlParameter { Value = attachmentId },
                    new NpgsqlParameter { Value = _next },
                    new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea, Value = new ArraySegment<byte>(_chunk, 0, _filled) },
                },
            };
            await using (command.ConfigureAwait(false))
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            _next++;
            _filled = 0;
        }
    }
}
