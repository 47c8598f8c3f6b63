using System.Text.Json;
using OrleansChat.Persistence.Attachments;

namespace OrleansChat.Persistence.Sqlite;

/// <summary>The uploads a batch's texts name, read for the room's check (PROTOCOL.md 7).</summary>
public sealed partial class SqliteMessageStore
{
    public async Task<IReadOnlyList<AttachmentRecord>> GetAttachmentsAsync(IReadOnlyCollection<Guid> attachmentIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attachmentIds);
        if (attachmentIds.Count == 0)
        {
            return [];
        }

        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = connection.Command(
                    $"SELECT {FileAttachmentStore.Columns} FROM attachments WHERE attachment_id IN (SELECT value FROM json_each($ids));")
                .With("$ids", JsonSerializer.Serialize(attachmentIds.Select(id => id.ToString("D"))));
            await using (command.ConfigureAwait(false))
            {
                return await SqliteRows.ReadAllAsync(command, FileAttachmentStore.ReadRecord, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
