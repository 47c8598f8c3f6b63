using Microsoft.Data.Sqlite;

namespace OrleansChat.Persistence.Sqlite;

/// <summary>
/// The statements of one append transaction, prepared once and run for every message of every call in it.
/// </summary>
internal sealed class SqliteAppendCommands : IAsyncDisposable
{
    private readonly SqliteCommand _find;
    private readonly SqliteCommand _insertMessage;
    private readonly SqliteCommand _insertOutbox;

    public SqliteAppendCommands(SqliteConnection connection, SqliteTransaction transaction)
    {
        _find = connection.Command(
            $"SELECT {SqliteRows.MessageColumns} FROM messages WHERE chat_id = $chatId AND sender_id = $senderId AND client_msg_id = $clientMsgId;",
            transaction);
        AddParameters(_find, "$chatId", "$senderId", "$clientMsgId");

        _insertMessage = connection.Command(
            """
            INSERT INTO messages (chat_id, seq, message_id, sender_id, client_msg_id, content, sent_at)
            VALUES ($chatId, $seq, $messageId, $senderId, $clientMsgId, $content, $sentAt);
            """,
            transaction);
        AddParameters(_insertMessage, "$chatId", "$seq", "$messageId", "$senderId", "$clientMsgId", "$content", "$sentAt");

        _insertOutbox = connection.Command(
            """
            INSERT INTO push_outbox (recipient_id, device_id, chat_id, seq, message_id, sender_id, preview, created_at, attempts, next_attempt_at)
            VALUES ($recipientId, $deviceId, $chatId, $seq, $messageId, $senderId, $preview, $createdAt, 0, $createdAt);
            """,
            transaction);
        AddParameters(_insertOutbox, "$recipientId", "$deviceId", "$chatId", "$seq", "$messageId", "$senderId", "$preview", "$createdAt");
    }

    /// <summary>
    /// Writes one call: duplicates (already stored, or earlier in this transaction) come back as stored and
    /// consume no seq; the others take <c>LastSeq + 1, ...</c> and get one outbox row per push target.
    /// </summary>
    public async Task<IReadOnlyList<AppendOutcome>> AppendAsync(ChatAppend append)
    {
        var outcomes = new List<AppendOutcome>(append.Messages.Count);
        var seq = append.LastSeq;
        foreach (var message in append.Messages)
        {
            var existing = await FindAsync(append.ChatId, message.SenderId, message.ClientMsgId).ConfigureAwait(false);
            if (existing is not null)
            {
                outcomes.Add(new AppendOutcome(existing, IsDuplicate: true));
                continue;
            }

            seq++;
            var stored = new StoredMessage(
                append.ChatId, seq, message.MessageId, message.SenderId, message.ClientMsgId, message.Content, UnixTime.Truncate(message.SentAt));
            await InsertMessageAsync(stored).ConfigureAwait(false);
            await InsertOutboxRowsAsync(stored, message.PushTargets).ConfigureAwait(false);
            outcomes.Add(new AppendOutcome(stored, IsDuplicate: false));
        }

        return outcomes;
    }

    public async ValueTask DisposeAsync()
    {
        await _find.DisposeAsync().ConfigureAwait(false);
        await _insertMessage.DisposeAsync().ConfigureAwait(false);
        await _insertOutbox.DisposeAsync().ConfigureAwait(false);
    }

    private async Task<StoredMessage?> FindAsync(string chatId, string senderId, string clientMsgId)
    {
        _find.Parameters["$chatId"].Value = chatId;
        _find.Parameters["$senderId"].Value = senderId;
        _find.Parameters["$clientMsgId"].Value = clientMsgId;
        var reader = await _find.ExecuteReaderAsync().ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            return await reader.ReadAsync().ConfigureAwait(false) ? SqliteRows.ReadMessage(reader) : null;
        }
    }

    private async Task InsertMessageAsync(StoredMessage message)
    {
        _insertMessage.Parameters["$chatId"].Value = message.ChatId;
        _insertMessage.Parameters["$seq"].Value = message.Seq;
        _insertMessage.Parameters["$messageId"].Value = SqliteRows.ToText(message.MessageId);
        _insertMessage.Parameters["$senderId"].Value = message.SenderId;
        _insertMessage.Parameters["$clientMsgId"].Value = message.ClientMsgId;
        _insertMessage.Parameters["$content"].Value = message.Content;
        _insertMessage.Parameters["$sentAt"].Value = UnixTime.ToMilliseconds(message.SentAt);
        await _insertMessage.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    private async Task InsertOutboxRowsAsync(StoredMessage message, IReadOnlyList<PushTarget> targets)
    {
        if (targets.Count == 0)
        {
            return;
        }

        _insertOutbox.Parameters["$chatId"].Value = message.ChatId;
        _insertOutbox.Parameters["$seq"].Value = message.Seq;
        _insertOutbox.Parameters["$messageId"].Value = SqliteRows.ToText(message.MessageId);
        _insertOutbox.Parameters["$senderId"].Value = message.SenderId;
        _insertOutbox.Parameters["$preview"].Value = PushPreview.From(message.Content);
        _insertOutbox.Parameters["$createdAt"].Value = UnixTime.ToMilliseconds(message.SentAt);
        foreach (var target in targets)
        {
            _insertOutbox.Parameters["$recipientId"].Value = target.UserId;
            _insertOutbox.Parameters["$deviceId"].Value = target.DeviceId;
            await _insertOutbox.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
    }

    private static void AddParameters(SqliteCommand command, params string[] names)
    {
        foreach (var name in names)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }
    }
}
