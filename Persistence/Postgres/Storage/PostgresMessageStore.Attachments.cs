using OrleansChat.Persistence.Attachments;

namespace OrleansChat.Persistence.Postgres;

/// <summary>The uploads a batch's texts name, read for the room's check (PROTOCOL.md 7).</summary>
public sealed partial class PostgresMessageStore
{
    public Task<IReadOnlyList<AttachmentRecord>> GetAttachmentsAsync(IReadOnlyCollection<Guid> attachmentIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attachmentIds);
        if (attachmentIds.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<AttachmentRecord>>([]);
        }

        return WithConnectionAsync<IReadOnlyList<AttachmentRecord>>(
            async connection =>
            {
                var command = connection.Command(
                    $"SELECT {PostgresAttachmentStore.Columns} FROM attachments WHERE attachment_id = ANY($1);", attachmentIds.ToArray());
                await using (command.ConfigureAwait(false))
                {
                    return await command.ReadAllAsync(PostgresAttachmentStore.ReadRecord, cancellationToken).ConfigureAwait(false);
                }
            },
            cancellationToken);
    }
}
