using System.Text.Json;
using Microsoft.Data.Sqlite;
using OrleansChat.Persistence.Attachments;

namespace OrleansChat.Persistence.Sqlite;

/// <summary>
/// The append transactions' part of the attachments (PROTOCOL.md 7), prepared on the writer connection beside
/// <see cref="SqliteAppendCommands"/>: a text links its uploads, a delete removes its target's rows, and after the
/// commit their files go. Only texts with attachments and deletes run them: a plain text never does.
/// </summary>
internal sealed class SqliteAttachmentLinks(SqliteConnection connection, string dataDirectory) : IAsyncDisposable
{
    private readonly SqliteCommand _claim = Prepare(
        connection,
        """
        UPDATE attachments SET chat_id = $chatId, seq = $seq, position = ids.key
        FROM json_each($ids) AS ids
        WHERE attachments.attachment_id = ids.value AND attachments.uploader_id = $senderId AND attachments.chat_id IS NULL;
        """,
        "$chatId",
        "$seq",
        "$ids",
        "$senderId");

    private readonly SqliteCommand _delete = Prepare(
        connection, "DELETE FROM attachments WHERE chat_id = $chatId AND seq = $target RETURNING attachment_id;", "$chatId", "$target");

    // The ids whose rows this transaction deleted: their files go once it commits.
    private readonly List<Guid> _deleted = [];

    public void Enlist(SqliteTransaction? transaction)
    {
        _claim.Transaction = transaction;
        _delete.Transaction = transaction;
        if (transaction is not null)
        {
            _deleted.Clear();
        }
    }

    /// <summary>
    /// Links the text's uploads to it, each at its index in the text's list; throws <see cref="AttachmentsTakenException"/>
    /// when one is no orphan of its sender.
    /// </summary>
    public async Task ClaimAsync(StoredMessage text)
    {
        _claim.Parameters["$chatId"].Value = text.ChatId;
        _claim.Parameters["$seq"].Value = text.Seq;
        _claim.Parameters["$ids"].Value = JsonSerializer.Serialize(text.Attachments.Select(a => a.AttachmentId.ToString("D")));
        _claim.Parameters["$senderId"].Value = text.SenderId;
        if (await _claim.ExecuteNonQueryAsync().ConfigureAwait(false) != text.Attachments.Count)
        {
            throw new AttachmentsTakenException($"An upload of the message {text.ClientMsgId} is not an orphan of {text.SenderId} any more.");
        }
    }

    /// <summary>Removes the rows of the attachments the deleted text at <paramref name="target"/> carried.</summary>
    public async Task DeleteAsync(string chatId, long target)
    {
        _delete.Parameters["$chatId"].Value = chatId;
        _delete.Parameters["$target"].Value = target;
        var reader = await _delete.ExecuteReaderAsync().ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                _deleted.Add(Guid.Parse(reader.GetString(0)));
            }
        }
    }

    /// <summary>
    /// Removes the files of the rows the committed transaction deleted. A call undone in its savepoint may have named
    /// rows that still exist, so only ids without a row lose their file. A failure leaves files without a row, which
    /// the orphan sweep removes (<see cref="FileAttachmentStore.DeleteOrphansAsync"/>): the messages are stored anyway.
    /// </summary>
    public async ValueTask RemoveDeletedFilesAsync()
    {
        if (_deleted.Count == 0)
        {
            return;
        }

        try
        {
            var gone = new HashSet<Guid>(_deleted);
            _deleted.Clear();
            var command = connection.Command("SELECT attachment_id FROM attachments WHERE attachment_id IN (SELECT value FROM json_each($ids));")
                .With("$ids", JsonSerializer.Serialize(gone.Select(id => id.ToString("D"))));
            await using (command.ConfigureAwait(false))
            {
                var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync().ConfigureAwait(false))
                    {
                        gone.Remove(Guid.Parse(reader.GetString(0)));
                    }
                }
            }

            foreach (var id in gone)
            {
                File.Delete(FileAttachmentStore.FileOf(dataDirectory, id));
            }
        }
        catch (Exception exception) when (exception is SqliteException or IOException or UnauthorizedAccessException)
        {
            // The sweep removes what is left; the transaction committed and its calls are answered as stored.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _claim.DisposeAsync().ConfigureAwait(false);
        await _delete.DisposeAsync().ConfigureAwait(false);
    }

    private static SqliteCommand Prepare(SqliteConnection connection, string sql, params string[] parameterNames)
    {
        var command = connection.Command(sql);
        foreach (var name in parameterNames)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }
}
