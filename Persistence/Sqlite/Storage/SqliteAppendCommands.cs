using Microsoft.Data.Sqlite;
using OrleansChat.Persistence.Writing;
using SQLitePCL;

namespace OrleansChat.Persistence.Sqlite;

/// <summary>
/// The statements of the append transactions, prepared once on the store's writer connection and run for every
/// message of every call of every transaction on it; <see cref="Enlist"/> hands them each new transaction.
/// </summary>
/// <remarks>
/// The message insert, run once per message, is a raw SQLite statement bound by position: through
/// <see cref="SqliteCommand"/> every execution looks each parameter up by name and re-encodes every string,
/// which the writer profile showed as a large share of the silo's CPU at high send rates. It runs in the
/// connection's current transaction like the commands do.
/// </remarks>
internal sealed class SqliteAppendCommands : IAsyncDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _find;
    private readonly sqlite3_stmt _insertMessage;
    private readonly SqliteCommand _insertOutbox;
    private readonly SqliteChangeCommands _changes;
    private readonly SqliteSearchInsert _search;

    public SqliteAppendCommands(SqliteConnection connection, string dataDirectory)
    {
        _connection = connection;
        _find = connection.Command(
            $"SELECT {SqliteRows.MessageColumns} FROM messages AS m WHERE m.chat_id = $chatId AND m.sender_id = $senderId AND m.client_msg_id = $clientMsgId;");
        AddParameters(_find, "$chatId", "$senderId", "$clientMsgId");

        // The conflict target is the UNIQUE (chat_id, sender_id, client_msg_id) constraint only, and SQLite checks the
        // upsert's target first: a duplicate inserts nothing (even when its seq is taken too), while a seq already
        // stored under another client message id still fails with SQLITE_CONSTRAINT (the append writer undoes that call).
        // Bindings are cleared after every row, so a plain text binds the first seven and leaves the rest NULL: its
        // kind, remove and stopped flags come from the COALESCEs, and it costs what it cost before changes existed.
        var rc = raw.sqlite3_prepare_v3(
            connection.Handle,
            """
            INSERT INTO messages (chat_id, seq, message_id, sender_id, client_msg_id, content, sent_at, kind, target, reply_to, remove, mentions, job_id, stopped)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, COALESCE(?8, 'text'), ?9, ?10, COALESCE(?11, 0), ?12, ?13, COALESCE(?14, 0))
            ON CONFLICT (chat_id, sender_id, client_msg_id) DO NOTHING;
            """,
            raw.SQLITE_PREPARE_PERSISTENT,
            out _insertMessage);
        SqliteException.ThrowExceptionForRC(rc, connection.Handle);

        _insertOutbox = connection.Command(
            """
            INSERT INTO push_outbox (recipient_id, device_id, chat_id, seq, message_id, sender_id, preview, created_at, attempts, next_attempt_at)
            VALUES ($recipientId, $deviceId, $chatId, $seq, $messageId, $senderId, $preview, $createdAt, 0, $createdAt);
            """);
        AddParameters(_insertOutbox, "$recipientId", "$deviceId", "$chatId", "$seq", "$messageId", "$senderId", "$preview", "$createdAt");
        _changes = new SqliteChangeCommands(connection);
        _search = new SqliteSearchInsert(connection);
        Attachments = new SqliteAttachmentLinks(connection, dataDirectory);
    }

    /// <summary>The attachments' part: links, removals, and the files to remove after a commit.</summary>
    public SqliteAttachmentLinks Attachments { get; }

    /// <summary>Runs the statements inside <paramref name="transaction"/> (the connection's current one) from now on.</summary>
    public void Enlist(SqliteTransaction? transaction)
    {
        _find.Transaction = transaction;
        _insertOutbox.Transaction = transaction;
        _changes.Enlist(transaction);
        Attachments.Enlist(transaction);
    }

    /// <summary>
    /// Writes one call: duplicates (already stored, or earlier in this transaction) come back as stored and
    /// consume no seq; the others take <c>LastSeq + 1, ...</c> and get one outbox row per push target. A change reads
    /// its target first (unless the room checked it: <see cref="NewMessage.CheckedTarget"/>), is stored (erased when the target is deleted) and then applied to the target: a plain text
    /// runs the insert and its search row's insert.
    /// </summary>
    public async Task<IReadOnlyList<AppendOutcome>> AppendAsync(ChatAppend append)
    {
        // A call that fails is undone (its transaction, or its savepoint): so are the search writes it deferred.
        var deferred = _changes.Search.Count;
        try
        {
            return await AppendCallAsync(append).ConfigureAwait(false);
        }
        catch
        {
            _changes.Search.Forget(deferred);
            throw;
        }
    }

    /// <summary>Writes what the transaction's calls deferred (<see cref="SqliteSearchChanges"/>); right before its commit.</summary>
    public Task FinishAsync() => _changes.Search.WriteAsync();

    public async ValueTask DisposeAsync()
    {
        await _find.DisposeAsync().ConfigureAwait(false);
        await _changes.DisposeAsync().ConfigureAwait(false);
        _insertMessage.Dispose();
        _search.Dispose();
        await _insertOutbox.DisposeAsync().ConfigureAwait(false);
        await Attachments.DisposeAsync().ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<AppendOutcome>> AppendCallAsync(ChatAppend append)
    {
        var outcomes = new List<AppendOutcome>(append.Messages.Count);
        var seq = append.LastSeq;
        foreach (var message in append.Messages)
        {
            var candidate = AppendRows.From(append.ChatId, seq + 1, message, UnixTime.Truncate(message.SentAt));
            MessageTarget? target = null;
            if (message.Kind != MessageKind.Text)
            {
                target = message.CheckedTarget ?? await _changes.FindTargetAsync(append.ChatId, message.Target!.Value).ConfigureAwait(false);
                candidate = AppendRows.AsStored(candidate, target);
            }

            if (!TryInsertMessage(candidate))
            {
                // Nothing inserted: the client message id is stored already. Only now read the row that has it.
                var existing = await FindAsync(append.ChatId, message.SenderId, message.ClientMsgId).ConfigureAwait(false)
                    ?? throw new InvalidOperationException(
                        $"The insert into chat '{append.ChatId}' was skipped as a duplicate, but no message has its client message id.");
                outcomes.Add(new AppendOutcome(existing, IsDuplicate: true));
                continue;
            }

            seq++;
            if (candidate.Kind == MessageKind.Text)
            {
                _search.Insert(candidate);
                if (candidate.Attachments.Count > 0)
                {
                    await Attachments.ClaimAsync(candidate).ConfigureAwait(false);
                }
            }
            else if (AppendRows.Applies(target))
            {
                await _changes.ApplyAsync(candidate).ConfigureAwait(false);
                if (candidate.Kind == MessageKind.Delete)
                {
                    await Attachments.DeleteAsync(candidate.ChatId, candidate.Target!.Value).ConfigureAwait(false);
                }
            }

            await InsertOutboxRowsAsync(candidate, message.PushTargets).ConfigureAwait(false);
            outcomes.Add(new AppendOutcome(candidate, IsDuplicate: false));
        }

        return outcomes;
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

    /// <summary>Inserts the message; false when its (chat, sender, client message id) is stored already.</summary>
    /// <exception cref="SqliteException">The insert failed, with SQLITE_CONSTRAINT when its seq is taken.</exception>
    private bool TryInsertMessage(StoredMessage message)
    {
        Span<char> messageId = stackalloc char[36];
        message.MessageId.TryFormat(messageId, out var idLength, "D");
        var statement = _insertMessage;
        try
        {
            Check(raw.sqlite3_bind_text16(statement, 1, message.ChatId));
            Check(raw.sqlite3_bind_int64(statement, 2, message.Seq));
            Check(raw.sqlite3_bind_text16(statement, 3, messageId[..idLength]));
            Check(raw.sqlite3_bind_text16(statement, 4, message.SenderId));
            Check(raw.sqlite3_bind_text16(statement, 5, message.ClientMsgId));
            Check(raw.sqlite3_bind_text16(statement, 6, message.Content));
            Check(raw.sqlite3_bind_int64(statement, 7, UnixTime.ToMilliseconds(message.SentAt)));
            if (message.Kind != MessageKind.Text || message.ReplyTo is not null || message.Mentions.Count > 0 || message.JobId is not null || message.Stopped)
            {
                BindChangeFields(statement, message);
            }

            var rc = raw.sqlite3_step(statement);
            if (rc != raw.SQLITE_DONE)
            {
                Check(rc);
            }

            return raw.sqlite3_changes(_connection.Handle) > 0;
        }
        finally
        {
            raw.sqlite3_reset(statement);
            raw.sqlite3_clear_bindings(statement);
        }
    }

    /// <summary>Binds what only changes, replies, mentions and assistant replies carry; a plain text leaves them NULL.</summary>
    private void BindChangeFields(sqlite3_stmt statement, StoredMessage message)
    {
        Check(raw.sqlite3_bind_text16(statement, 8, MessageKinds.ToText(message.Kind)));
        if (message.Target is { } target)
        {
            Check(raw.sqlite3_bind_int64(statement, 9, target));
        }

        if (message.ReplyTo is { } replyTo)
        {
            Check(raw.sqlite3_bind_int64(statement, 10, replyTo));
        }

        Check(raw.sqlite3_bind_int(statement, 11, message.Remove ? 1 : 0));
        if (SqliteRows.MentionsValue(message.Mentions) is string mentions)
        {
            Check(raw.sqlite3_bind_text16(statement, 12, mentions));
        }

        if (message.JobId is { } jobId)
        {
            Check(raw.sqlite3_bind_text16(statement, 13, jobId));
        }

        Check(raw.sqlite3_bind_int(statement, 14, message.Stopped ? 1 : 0));
    }

    private void Check(int rc) => SqliteException.ThrowExceptionForRC(rc, _connection.Handle);

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
        _insertOutbox.Parameters["$preview"].Value = PushPreview.From(message);
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
