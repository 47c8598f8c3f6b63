using Npgsql;
using NpgsqlTypes;

namespace OrleansChat.Persistence.Postgres;

/// <summary>
/// The statements of message changes: reading the targets of a call's changes, and applying each change to its target
/// as commands of the call's insert batch, after the rows themselves, so a call costs no extra round trip for them.
/// </summary>
internal static class PostgresChangeCommands
{
    private const string FindTargetsSql =
        $"SELECT {PostgresRows.TargetColumns} FROM messages WHERE chat_id = $1 AND seq = ANY($2) ORDER BY seq;";

    // The guards repeat what the caller checked, so a change can never bring a tombstone back. The search lexemes are
    // the words of the current content only.
    private const string EditSql = """
        UPDATE messages SET content = $3, mentions = $4, edited_at = $5, search = array_to_tsvector(string_to_array($6, ' '))
        WHERE chat_id = $1 AND seq = $2 AND kind = 'text' AND NOT deleted;
        """;

    // A delete erases every copy of the words: the text and its search lexemes, the rows of its changes (edits carry content), its reactions,
    // its attachments (their rows, and with them their chunks, in this transaction),
    // and the previews of its push rows still queued or dead-lettered. The outbox has no index on the message: it holds
    // only undelivered rows, and deletes are rare. The rows this call inserted before are visible to it.
    private const string DeleteSql = """
        WITH tombstone AS (
            UPDATE messages SET content = '', mentions = NULL, deleted = true, search = NULL
            WHERE chat_id = $1 AND seq = $2 AND kind = 'text'),
        erased_changes AS (
            UPDATE messages SET content = '', mentions = NULL
            WHERE chat_id = $1 AND target = $2 AND (content <> '' OR mentions IS NOT NULL)),
        reactions AS (
            DELETE FROM message_reactions WHERE chat_id = $1 AND target_seq = $2),
        attachments AS (
            DELETE FROM attachments WHERE chat_id = $1 AND seq = $2)
        UPDATE push_outbox SET preview = ''
        WHERE chat_id = $1 AND preview <> ''
          AND seq IN (SELECT seq FROM messages WHERE chat_id = $1 AND (seq = $2 OR target = $2));
        """;

    // An emoji keeps the seq it appeared at while anyone holds it; a user who holds it already changes nothing.
    private const string AddReactionSql = """
        INSERT INTO message_reactions (chat_id, target_seq, content, user_id, emoji_seq, first_seq)
        SELECT $1, $2, $3, $4,
               COALESCE((SELECT min(emoji_seq) FROM message_reactions WHERE chat_id = $1 AND target_seq = $2 AND content = $3), $5),
               $5
        WHERE EXISTS (SELECT 1 FROM messages WHERE chat_id = $1 AND seq = $2 AND kind = 'text' AND NOT deleted)
        ON CONFLICT DO NOTHING;
        """;

    private const string RemoveReactionSql =
        "DELETE FROM message_reactions WHERE chat_id = $1 AND target_seq = $2 AND content = $3 AND user_id = $4;";

    /// <summary>The chat's rows at <paramref name="seqs"/> as targets, ascending; read with <see cref="PostgresRows.ReadTarget"/>.</summary>
    public static NpgsqlCommand FindTargets(NpgsqlConnection connection, NpgsqlTransaction? transaction, string chatId, IEnumerable<long> seqs) =>
        new(FindTargetsSql, connection, transaction)
        {
            Parameters =
            {
                new NpgsqlParameter<string> { TypedValue = chatId },
                new NpgsqlParameter<long[]> { TypedValue = [.. seqs] },
            },
        };

    /// <summary>The same as <see cref="FindTargets"/>, as a command of a batch.</summary>
    public static NpgsqlBatchCommand FindTargetsInBatch(string chatId, IEnumerable<long> seqs) =>
        new(FindTargetsSql)
        {
            Parameters =
            {
                new NpgsqlParameter<string> { TypedValue = chatId },
                new NpgsqlParameter<long[]> { TypedValue = [.. seqs] },
            },
        };

    /// <summary>Adds to <paramref name="batch"/>, in order, the commands that apply each stored change to its target.</summary>
    public static void AddApplyCommands(NpgsqlBatch batch, IReadOnlyList<StoredMessage> changes)
    {
        foreach (var change in changes)
        {
            batch.BatchCommands.Add(Apply(change));
        }
    }

    private static NpgsqlBatchCommand Apply(StoredMessage change)
    {
        var chatId = new NpgsqlParameter<string> { TypedValue = change.ChatId };
        var target = new NpgsqlParameter<long> { TypedValue = change.Target!.Value };
        var content = new NpgsqlParameter<string> { TypedValue = change.Content };
        return change.Kind switch
        {
            MessageKind.Edit => new NpgsqlBatchCommand(EditSql)
            {
                Parameters =
                {
                    chatId,
                    target,
                    content,
                    new NpgsqlParameter
                    {
                        NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text,
                        Value = (object?)PostgresRows.MentionsValue(change.Mentions) ?? DBNull.Value,
                    },
                    new NpgsqlParameter<DateTimeOffset> { TypedValue = change.SentAt },
                    new NpgsqlParameter<string> { TypedValue = SearchText.Document(change.Content) },
                },
            },
            MessageKind.Delete => new NpgsqlBatchCommand(DeleteSql) { Parameters = { chatId, target } },
            MessageKind.Reaction when change.Remove => new NpgsqlBatchCommand(RemoveReactionSql)
            {
                Parameters = { chatId, target, content, new NpgsqlParameter<string> { TypedValue = change.SenderId } },
            },
            MessageKind.Reaction => new NpgsqlBatchCommand(AddReactionSql)
            {
                Parameters =
                {
                    chatId,
                    target,
                    content,
                    new NpgsqlParameter<string> { TypedValue = change.SenderId },
                    new NpgsqlParameter<long> { TypedValue = change.Seq },
                },
            },
            _ => throw new ArgumentException($"A {change.Kind} is not a change.", nameof(change)),
        };
    }
}
