using Npgsql;
using OrleansChat.Persistence.Writing;

namespace OrleansChat.Persistence.Postgres;

/// <summary>
/// Writes one append call inside a transaction in three round trips, whatever its size: find the messages already
/// stored under the call's client message ids, then insert the new messages and their outbox rows from arrays.
/// </summary>
internal static class PostgresAppendCommands
{
    private const string FindStored = """
        SELECT m.chat_id, m.seq, m.message_id, m.sender_id, m.client_msg_id, m.content, m.sent_at
        FROM messages AS m
        JOIN unnest($2::text[], $3::text[]) AS k(sender_id, client_msg_id)
          ON m.sender_id = k.sender_id AND m.client_msg_id = k.client_msg_id
        WHERE m.chat_id = $1;
        """;

    private const string InsertMessages = """
        INSERT INTO messages (chat_id, seq, message_id, sender_id, client_msg_id, content, sent_at)
        SELECT $1, m.seq, m.message_id, m.sender_id, m.client_msg_id, m.content, m.sent_at
        FROM unnest($2::bigint[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])
             AS m(seq, message_id, sender_id, client_msg_id, content, sent_at);
        """;

    private const string InsertOutboxRows = """
        INSERT INTO push_outbox (recipient_id, device_id, chat_id, seq, message_id, sender_id, preview, created_at, attempts, next_attempt_at)
        SELECT t.recipient_id, t.device_id, $1, t.seq, t.message_id, t.sender_id, t.preview, t.created_at, 0, t.created_at
        FROM unnest($2::text[], $3::text[], $4::bigint[], $5::uuid[], $6::text[], $7::text[], $8::timestamptz[])
             WITH ORDINALITY AS t(recipient_id, device_id, seq, message_id, sender_id, preview, created_at, n)
        ORDER BY t.n;
        """;

    /// <summary>
    /// Writes one call: duplicates (stored before, earlier in this transaction, or earlier in this call) come back as
    /// stored and consume no seq; the others take <c>LastSeq + 1, ...</c> and get one outbox row per push target, in
    /// order. Throws the <see cref="PostgresException"/> of a violated constraint (a seq already taken).
    /// </summary>
    public static async Task<IReadOnlyList<AppendOutcome>> AppendAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ChatAppend append)
    {
        var stored = await FindStoredAsync(connection, transaction, append).ConfigureAwait(false);

        var outcomes = new List<AppendOutcome>(append.Messages.Count);
        var fresh = new List<(StoredMessage Message, IReadOnlyList<PushTarget> Targets)>();
        var seq = append.LastSeq;
        foreach (var message in append.Messages)
        {
            if (stored.TryGetValue((message.SenderId, message.ClientMsgId), out var existing))
            {
                outcomes.Add(new AppendOutcome(existing, IsDuplicate: true));
                continue;
            }

            seq++;
            var added = new StoredMessage(
                append.ChatId, seq, message.MessageId, message.SenderId, message.ClientMsgId, message.Content, PostgresRows.Time(message.SentAt));
            stored.Add((message.SenderId, message.ClientMsgId), added);
            fresh.Add((added, message.PushTargets));
            outcomes.Add(new AppendOutcome(added, IsDuplicate: false));
        }

        if (fresh.Count > 0)
        {
            await InsertAsync(connection, transaction, append.ChatId, fresh).ConfigureAwait(false);
        }

        return outcomes;
    }

    private static async Task<Dictionary<(string SenderId, string ClientMsgId), StoredMessage>> FindStoredAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, ChatAppend append)
    {
        var command = new NpgsqlCommand(FindStored, connection, transaction)
        {
            Parameters =
            {
                new NpgsqlParameter<string> { TypedValue = append.ChatId },
                new NpgsqlParameter<string[]> { TypedValue = [.. append.Messages.Select(m => m.SenderId)] },
                new NpgsqlParameter<string[]> { TypedValue = [.. append.Messages.Select(m => m.ClientMsgId)] },
            },
        };
        await using (command.ConfigureAwait(false))
        {
            var rows = await command.ReadAllAsync(PostgresRows.ReadMessage, CancellationToken.None).ConfigureAwait(false);
            var stored = new Dictionary<(string, string), StoredMessage>();
            foreach (var row in rows)
            {
                stored.TryAdd((row.SenderId, row.ClientMsgId), row);
            }

            return stored;
        }
    }

    private static async Task InsertAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string chatId, List<(StoredMessage Message, IReadOnlyList<PushTarget> Targets)> fresh)
    {
        var batch = new NpgsqlBatch(connection, transaction);
        await using (batch.ConfigureAwait(false))
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(InsertMessages)
            {
                Parameters =
                {
                    new NpgsqlParameter<string> { TypedValue = chatId },
                    new NpgsqlParameter<long[]> { TypedValue = [.. fresh.Select(f => f.Message.Seq)] },
                    new NpgsqlParameter<Guid[]> { TypedValue = [.. fresh.Select(f => f.Message.MessageId)] },
                    new NpgsqlParameter<string[]> { TypedValue = [.. fresh.Select(f => f.Message.SenderId)] },
                    new NpgsqlParameter<string[]> { TypedValue = [.. fresh.Select(f => f.Message.ClientMsgId)] },
                    new NpgsqlParameter<string[]> { TypedValue = [.. fresh.Select(f => f.Message.Content)] },
                    new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [.. fresh.Select(f => f.Message.SentAt)] },
                },
            });

            var rows = fresh.SelectMany(f => f.Targets.Select(target => (f.Message, Target: target))).ToList();
            if (rows.Count > 0)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand(InsertOutboxRows)
                {
                    Parameters =
                    {
                        new NpgsqlParameter<string> { TypedValue = chatId },
                        new NpgsqlParameter<string[]> { TypedValue = [.. rows.Select(r => r.Target.UserId)] },
                        new NpgsqlParameter<string[]> { TypedValue = [.. rows.Select(r => r.Target.DeviceId)] },
                        new NpgsqlParameter<long[]> { TypedValue = [.. rows.Select(r => r.Message.Seq)] },
                        new NpgsqlParameter<Guid[]> { TypedValue = [.. rows.Select(r => r.Message.MessageId)] },
                        new NpgsqlParameter<string[]> { TypedValue = [.. rows.Select(r => r.Message.SenderId)] },
                        new NpgsqlParameter<string[]> { TypedValue = [.. rows.Select(r => PushPreview.From(r.Message.Content))] },
                        new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [.. rows.Select(r => r.Message.SentAt)] },
                    },
                });
            }

            await batch.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }
}
