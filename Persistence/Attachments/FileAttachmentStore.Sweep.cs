using System.Text.Json;
using OrleansChat.Persistence.Sqlite;

namespace OrleansChat.Persistence.Attachments;

/// <summary>The orphan sweep of the file store: rows no message carries, abandoned partial files, and files without a row.</summary>
public sealed partial class FileAttachmentStore
{
    public async Task<int> DeleteOrphansAsync(DateTimeOffset createdBefore, CancellationToken cancellationToken = default)
    {
        var ids = new List<string>();
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = connection.Command("DELETE FROM attachments WHERE chat_id IS NULL AND created_at < $before RETURNING attachment_id;")
                .With("$before", UnixTime.ToMilliseconds(createdBefore));
            await using (command.ConfigureAwait(false))
            {
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        ids.Add(reader.GetString(0));
                    }
                }
            }
        }

        foreach (var id in ids)
        {
            File.Delete(PathOf(Guid.Parse(id)));
        }

        DeleteAbandonedPartials(createdBefore);
        await DeleteFilesWithoutRowsAsync(createdBefore, cancellationToken).ConfigureAwait(false);
        return ids.Count;
    }

    /// <summary>
    /// Removes the files older than <paramref name="olderThan"/> that no row describes: left by a crash between a
    /// message delete's commit and the removal of its files, or between an upload's rename and its row. An upload in
    /// flight renames its file only just before its row is written, so a file that old is never one of theirs.
    /// </summary>
    private async Task DeleteFilesWithoutRowsAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(Folder))
        {
            return;
        }

        var files = new Dictionary<string, string>();
        foreach (var file in Directory.EnumerateFiles(Folder))
        {
            if (Guid.TryParseExact(Path.GetFileName(file), "N", out var id) && File.GetLastWriteTimeUtc(file) < olderThan.UtcDateTime)
            {
                files[Key(id)] = file;
            }
        }

        foreach (var chunk in files.Keys.ToArray().Chunk(500))
        {
            var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var command = connection.Command("SELECT attachment_id FROM attachments WHERE attachment_id IN (SELECT value FROM json_each($ids));")
                    .With("$ids", JsonSerializer.Serialize(chunk));
                await using (command.ConfigureAwait(false))
                {
                    var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            files.Remove(reader.GetString(0));
                        }
                    }
                }
            }
        }

        foreach (var file in files.Values)
        {
            File.Delete(file);
        }
    }

    /// <summary>Partial files a crashed process left behind; one still being written is younger than the cut-off.</summary>
    private void DeleteAbandonedPartials(DateTimeOffset olderThan)
    {
        if (!Directory.Exists(Folder))
        {
            return;
        }

        foreach (var partial in Directory.EnumerateFiles(Folder, "*" + PartialSuffix))
        {
            if (File.GetLastWriteTimeUtc(partial) < olderThan.UtcDateTime)
            {
                File.Delete(partial);
            }
        }
    }
}
