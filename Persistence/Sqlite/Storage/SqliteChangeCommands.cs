using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace OrleansChat.Persistence.Sqlite;

/// <summary>
/// The statements that apply a change (edit, delete, reaction) to its target, prepared once on the writer connection
/// beside <see cref="SqliteAppendCommands"/>. Only changes run them: a plain text never does.
/// </summary>
internal sealed class SqliteChangeCommands : IAsyncDisposable
{
    private readonly SqliteCommand _findTarget;
    private readonly SqliteCommand _edit;
    private readonly SqliteCommand _delete;
    private readonly SqliteCommand _addReaction;
    private readonly SqliteCommand _removeReaction;
    private readonly SqliteSearchChanges _search;

    public SqliteChangeCommands(SqliteConnection connection)
    {
        _findTarget = Prepare(
            connection,
            $"SELECT {SqliteRows.TargetColumns} FROM messages WHERE chat_id = $chatId AND seq = $target;",
            "$chatId",
            "$target");

        // The guards repeat what the caller checked, so a change can never bring a tombstone back. The search row holds
        // the words of the current content only (written at the end of the transaction: SqliteSearchChanges); its new
        // words join search_words, which prefix queries expand from.
        _edit = Prepare(
            connection,
            $"""
            UPDATE messages SET content = $content, mentions = $mentions, edited_at = $editedAt
            WHERE chat_id = $chatId AND seq = $target AND kind = 'text' AND deleted = 0;
            INSERT OR IGNORE INTO search_words (word) SELECT value FROM json_each($newWords) WHERE length(value) > {SqliteSearch.LongestIndexedPrefix};
            """,
            "$chatId",
            "$target",
            "$content",
            "$mentions",
            "$editedAt",
            "$newWords");

        // A delete erases every copy of the words: the text, the rows of its changes (edits carry content), its
        // reactions, its search row (at the end of the transaction: SqliteSearchChanges), and the previews of its push rows still queued or dead-lettered. The outbox has no index on the
        // message: it holds only undelivered rows, and deletes are rare.
        _delete = Prepare(
            connection,
            """
            UPDATE messages SET content = '', mentions = NULL, deleted = 1
            WHERE chat_id = $chatId AND seq = $target AND kind = 'text';
            UPDATE messages SET content = '', mentions = NULL
            WHERE chat_id = $chatId AND target = $target AND (content <> '' OR mentions IS NOT NULL);
            DELETE FROM message_reactions WHERE chat_id = $chatId AND target_seq = $target;
            UPDATE push_outbox SET preview = ''
            WHERE chat_id = $chatId AND preview <> ''
              AND seq IN (SELECT seq FROM messages WHERE chat_id = $chatId AND (seq = $target OR target = $target));
            """,
            "$chatId",
            "$target");

        // An emoji keeps the seq it appeared at while anyone holds it; a user who holds it already changes nothing.
        _addReaction = Prepare(
            connection,
            """
            INSERT OR IGNORE INTO message_reactions (chat_id, target_seq, content, user_id, emoji_seq, first_seq)
            SELECT $chatId, $target, $content, $userId,
                   COALESCE((SELECT MIN(emoji_seq) FROM message_reactions
                             WHERE chat_id = $chatId AND target_seq = $target AND content = $content), $seq),
                   $seq
            WHERE EXISTS (SELECT 1 FROM messages WHERE chat_id = $chatId AND seq = $target AND kind = 'text' AND deleted = 0);
            """,
            "$chatId",
            "$target",
            "$content",
            "$userId",
            "$seq");

        _removeReaction = Prepare(
            connection,
            "DELETE FROM message_reactions WHERE chat_id = $chatId AND target_seq = $target AND content = $content AND user_id = $userId;",
            "$chatId",
            "$target",
            "$content",
            "$userId");
        _search = new SqliteSearchChanges(connection);
    }

    /// <summary>The search rows' part of edits and deletes, written when the transaction's calls are.</summary>
    public SqliteSearchChanges Search => _search;

    /// <summary>Runs the statements inside <paramref name="transaction"/> (the connection's current one) from now on.</summary>
    public void Enlist(SqliteTransaction? transaction)
    {
        _findTarget.Transaction = transaction;
        _edit.Transaction = transaction;
        _delete.Transaction = transaction;
        _addReaction.Transaction = transaction;
        _removeReaction.Transaction = transaction;
        _search.Enlist(transaction);
    }

    /// <summary>The row at <paramref name="seq"/> of the chat as a change's target; null when there is none.</summary>
    public async Task<MessageTarget?> FindTargetAsync(string chatId, long seq)
    {
        _findTarget.Parameters["$chatId"].Value = chatId;
        _findTarget.Parameters["$target"].Value = seq;
        var reader = await _findTarget.ExecuteReaderAsync().ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            return await reader.ReadAsync().ConfigureAwait(false) ? SqliteRows.ReadTarget(reader) : null;
        }
    }

    /// <summary>Applies the stored <paramref name="change"/> to its target, a text of the chat that is not deleted.</summary>
    public async Task ApplyAsync(StoredMessage change)
    {
        var command = change.Kind switch
        {
            MessageKind.Edit => _edit,
            MessageKind.Delete => _delete,
            MessageKind.Reaction when change.Remove => _removeReaction,
            MessageKind.Reaction => _addReaction,
            _ => throw new ArgumentException($"A {change.Kind} is not a change.", nameof(change)),
        };
        var parameters = command.Parameters;
        parameters["$chatId"].Value = change.ChatId;
        parameters["$target"].Value = change.Target!.Value;
        if (change.Kind == MessageKind.Edit)
        {
            parameters["$content"].Value = change.Content;
            parameters["$mentions"].Value = SqliteRows.MentionsValue(change.Mentions);
            parameters["$editedAt"].Value = UnixTime.ToMilliseconds(change.SentAt);
            var words = SearchText.Document(change.Content);
            parameters["$newWords"].Value = JsonSerializer.Serialize(words.Length == 0 ? [] : words.Split(' '));
            await _search.EditAsync(change.ChatId, change.Target!.Value, SqliteSearch.RowOfWords(words, change.ChatId)).ConfigureAwait(false);
        }
        else if (change.Kind == MessageKind.Delete)
        {
            await _search.DeleteAsync(change.ChatId, change.Target!.Value).ConfigureAwait(false);
        }
        else if (change.Kind == MessageKind.Reaction)
        {
            parameters["$content"].Value = change.Content;
            parameters["$userId"].Value = change.SenderId;
            if (!change.Remove)
            {
                parameters["$seq"].Value = change.Seq;
            }
        }

        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var command in new[] { _findTarget, _edit, _delete, _addReaction, _removeReaction })
        {
            await command.DisposeAsync().ConfigureAwait(false);
        }

        await _search.DisposeAsync().ConfigureAwait(false);
    }

    public static SqliteCommand Prepare(SqliteConnection connection, string sql, params string[] parameterNames)
    {
        var command = connection.Command(sql);
        foreach (var name in parameterNames)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }
}
