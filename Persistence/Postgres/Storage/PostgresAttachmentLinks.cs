using Npgsql;

namespace OrleansChat.Persistence.Postgres;

/// <summary>The append transactions' part of the attachments (PROTOCOL.md 7): a text links its uploads.</summary>
/// <remarks>A delete removes its target's rows, and their chunks with them, in <see cref="PostgresChangeCommands"/>.</remarks>
internal static class PostgresAttachmentLinks
{
    // Links a call's texts to their uploads; the count of rows it changed says whether every upload was still an orphan
    // of its sender (a row another transaction links first is waited for, then no longer matches).
    private const string ClaimAttachments = """
        UPDATE attachments AS a SET chat_id = $1, seq = c.seq, position = c.position
        FROM unnest($2::uuid[], $3::bigint[], $4::text[], $5::integer[]) AS c(attachment_id, seq, sender_id, position)
        WHERE a.attachment_id = c.attachment_id AND a.uploader_id = c.sender_id AND a.chat_id IS NULL;
        """;

    /// <summary>
    /// Links the uploads of the call's new texts to them, each at its index in its text's list, in one round trip that only calls with attachments pay;
    /// throws <see cref="AttachmentsTakenException"/> when one is not an orphan of its sender any more.
    /// </summary>
    public static async Task ClaimAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string chatId, List<(StoredMessage Message, IReadOnlyList<PushTarget> Targets)> fresh)
    {
        List<(Guid Id, long Seq, string SenderId, int Position)>? links = null;
        for (var i = 0; i < fresh.Count; i++)
        {
            var message = fresh[i].Message;
            for (var j = 0; j < message.Attachments.Count; j++)
            {
                (links ??= []).Add((message.Attachments[j].AttachmentId, message.Seq, message.SenderId, j));
            }
        }

        if (links is null)
        {
            return;
        }

        var command = new NpgsqlCommand(ClaimAttachments, connection, transaction)
        {
            Parameters =
            {
                new NpgsqlParameter<string> { TypedValue = chatId },
                new NpgsqlParameter<Guid[]> { TypedValue = [.. links.Select(l => l.Id)] },
                new NpgsqlParameter<long[]> { TypedValue = [.. links.Select(l => l.Seq)] },
                new NpgsqlParameter<string[]> { TypedValue = [.. links.Select(l => l.SenderId)] },
                new NpgsqlParameter<int[]> { TypedValue = [.. links.Select(l => l.Position)] },
            },
        };
        await using (command.ConfigureAwait(false))
        {
            if (await command.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false) != links.Count)
            {
                throw new AttachmentsTakenException($"An upload of a message of chat '{chatId}' is not an orphan of its sender any more.");
            }
        }
    }
}
