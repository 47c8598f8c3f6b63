using Npgsql;
using OrleansChat.Persistence.Writing;

namespace OrleansChat.Persistence.Postgres;

/// <summary>
/// Writes one append call inside a transaction in the same round trips whatever its size and whatever changes it
/// holds: find the messages already stored under the call's client message ids (with the targets of its changes),
/// then, as one batch, insert the new messages and their outbox rows from arrays and apply the changes.
/// </summary>
internal static class PostgresAppendCommands
{
    private const string FindStored = $"""
        SELECT {PostgresRows.MessageColumns}
        FROM messages AS m
        JOIN unnest($2::text[], $3::text[]) AS k(sender_id, client_msg_id)
          ON m.sender_id = k.sender_id AND m.client_msg_id = k.client_msg_id
        WHERE m.chat_id = $1;
        """;

    // A text's words (SearchText.Document) travel space-separated like mentions and become its search lexemes as they are.
    private const string InsertMessages = """
        INSERT INTO messages (chat_id, seq, message_id, sender_id, client_msg_id, content, sent_at, search)
        SELECT $1, m.seq, m.message_id, m.sender_id, m.client_msg_id, m.content, m.sent_at, array_to_tsvector(string_to_array(m.words, ' '))
        FROM unnest($2::bigint[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::text[])
             AS m(seq, message_id, sender_id, client_msg_id, content, sent_at, words);
        """;

    // The rows of a call that has changes, replies, mentions or assistant replies. Mentions travel space-separated (member ids have no
    // whitespace, AppendWriter checks) since PostgreSQL arrays cannot be ragged; '' is none.
    private const string InsertRows = """
        INSERT INTO messages (chat_id, seq, message_id, sender_id, client_msg_id, content, sent_at, kind, target, reply_to, remove, mentions,
                              job_id, stopped, search)
        SELECT $1, m.seq, m.message_id, m.sender_id, m.client_msg_id, m.content, m.sent_at, m.kind, m.target, m.reply_to, m.remove,
               string_to_array(NULLIF(m.mentions, ''), ' '), m.job_id, m.stopped,
               CASE WHEN m.kind = 'text' THEN array_to_tsvector(string_to_array(m.words, ' ')) END
        FROM unnest($2::bigint[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::timestamptz[],
                    $8::text[], $9::bigint[], $10::bigint[], $11::boolean[], $12::text[], $13::text[], $14::boolean[], $15::text[])
             AS m(seq, message_id, sender_id, client_msg_id, content, sent_at, kind, target, reply_to, remove, mentions, job_id, stopped, words);
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
    /// <remarks>
    /// A call with changes reads their targets in the same round trip as its duplicates, follows their state through
    /// the call in seq order (a text of the call can be a target; a delete of the call makes its target deleted for
    /// the changes after it), and applies the changes in the insert's round trip, after the rows.
    /// </remarks>
    public static async Task<IReadOnlyList<AppendOutcome>> AppendAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ChatAppend append)
    {
        var (stored, targets) = await FindStoredAsync(connection, transaction, append).ConfigureAwait(false);

        var outcomes = new List<AppendOutcome>(append.Messages.Count);
        var fresh = new List<(StoredMessage Message, IReadOnlyList<PushTarget> Targets)>();
        var changes = new List<StoredMessage>();
        var seq = append.LastSeq;
        foreach (var message in append.Messages)
        {
            if (stored.TryGetValue((message.SenderId, message.ClientMsgId), out var existing))
            {
                outcomes.Add(new AppendOutcome(existing, IsDuplicate: true));
                continue;
            }

            seq++;
            var added = AppendRows.From(append.ChatId, seq, message, PostgresRows.Time(message.SentAt));
            if (targets is not null)
            {
                added = FollowTargets(targets, added, changes);
            }

            stored.Add((message.SenderId, message.ClientMsgId), added);
            fresh.Add((added, message.PushTargets));
            outcomes.Add(new AppendOutcome(added, IsDuplicate: false));
        }

        if (fresh.Count > 0)
        {
            // Before the rows: a delete later in the call then removes what its target's text linked.
            await PostgresAttachmentLinks.ClaimAsync(connection, transaction, append.ChatId, fresh).ConfigureAwait(false);
            await InsertAsync(connection, transaction, append.ChatId, fresh, changes).ConfigureAwait(false);
        }

        return outcomes;
    }

    /// <summary>
    /// The row <paramref name="added"/> as stored, given the state of its target; a change that applies joins
    /// <paramref name="changes"/> and moves its target's state on, and a text becomes a target for the changes after it.
    /// </summary>
    private static StoredMessage FollowTargets(Dictionary<long, MessageTarget> targets, StoredMessage added, List<StoredMessage> changes)
    {
        if (added.Kind == MessageKind.Text)
        {
            targets[added.Seq] = new MessageTarget(added.Seq, MessageKind.Text, added.SenderId, Deleted: false);
            return added;
        }

        MessageTarget? target = targets.TryGetValue(added.Target!.Value, out var found) ? found : null;
        added = AppendRows.AsStored(added, target);
        if (AppendRows.Applies(target))
        {
            changes.Add(added);
            targets[found.Seq] = AppendRows.After(found, added);
        }

        return added;
    }

    /// <summary>
    /// The rows stored under the call's client message ids; with them, when the call has changes, its targets' state
    /// (read in the same round trip), else null.
    /// </summary>
    private static async Task<(Dictionary<(string SenderId, string ClientMsgId), StoredMessage> Stored, Dictionary<long, MessageTarget>? Targets)> FindStoredAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, ChatAppend append)
    {
        // The targets the room checked are known; only the others are read (with the duplicates, in one round trip).
        List<long>? changeTargets = null;
        Dictionary<long, MessageTarget>? targets = null;
        for (var i = 0; i < append.Messages.Count; i++)
        {
            if (append.Messages[i] is { Kind: not MessageKind.Text, Target: { } target } change)
            {
                targets ??= [];
                if (change.CheckedTarget is { } known)
                {
                    targets.TryAdd(target, known);
                }
                else
                {
                    (changeTargets ??= []).Add(target);
                }
            }
        }

        var batch = new NpgsqlBatch(connection, transaction);
        await using (batch.ConfigureAwait(false))
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(FindStored)
            {
                Parameters =
                {
                    new NpgsqlParameter<string> { TypedValue = append.ChatId },
                    new NpgsqlParameter<string[]> { TypedValue = [.. append.Messages.Select(m => m.SenderId)] },
                    new NpgsqlParameter<string[]> { TypedValue = [.. append.Messages.Select(m => m.ClientMsgId)] },
                },
            });
            if (changeTargets is not null)
            {
                batch.BatchCommands.Add(PostgresChangeCommands.FindTargetsInBatch(append.ChatId, changeTargets));
            }

            var reader = await batch.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var stored = new Dictionary<(string, string), StoredMessage>();
                while (await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false))
                {
                    var row = PostgresRows.ReadMessage(reader);
                    stored.TryAdd((row.SenderId, row.ClientMsgId), row);
                }

                if (changeTargets is null)
                {
                    return (stored, targets);
                }

                await reader.NextResultAsync(CancellationToken.None).ConfigureAwait(false);
                while (await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false))
                {
                    var target = PostgresRows.ReadTarget(reader);
                    targets![target.Seq] = target;
                }

                return (stored, targets);
            }
        }
    }

    /// <summary>
    /// Inserts the call's new rows and their outbox rows, then applies its <paramref name="changes"/>, in one round
    /// trip. A call of plain texts only uses the insert it used before changes existed.
    /// </summary>
    private static async Task InsertAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        string chatId,
        List<(StoredMessage Message, IReadOnlyList<PushTarget> Targets)> fresh,
        List<StoredMessage> changes)
    {
        var batch = new NpgsqlBatch(connection, transaction);
        await using (batch.ConfigureAwait(false))
        {
            var plain = fresh.TrueForAll(f => f.Message is { Kind: MessageKind.Text, ReplyTo: null, Mentions.Count: 0, JobId: null, Stopped: false });
            var insert = new NpgsqlBatchCommand(plain ? InsertMessages : InsertRows)
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
            };
            if (!plain)
            {
                insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. fresh.Select(f => MessageKinds.ToText(f.Message.Kind))] });
                insert.Parameters.Add(new NpgsqlParameter<long?[]> { TypedValue = [.. fresh.Select(f => f.Message.Target)] });
                insert.Parameters.Add(new NpgsqlParameter<long?[]> { TypedValue = [.. fresh.Select(f => f.Message.ReplyTo)] });
                insert.Parameters.Add(new NpgsqlParameter<bool[]> { TypedValue = [.. fresh.Select(f => f.Message.Remove)] });
                insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. fresh.Select(f => string.Join(' ', f.Message.Mentions))] });
                insert.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = [.. fresh.Select(f => f.Message.JobId)] });
                insert.Parameters.Add(new NpgsqlParameter<bool[]> { TypedValue = [.. fresh.Select(f => f.Message.Stopped)] });
            }

            insert.Parameters.Add(new NpgsqlParameter<string[]>
            {
                TypedValue = [.. fresh.Select(f => f.Message.Kind == MessageKind.Text ? SearchText.Document(f.Message.Content) : "")],
            });

            batch.BatchCommands.Add(insert);

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
                        new NpgsqlParameter<string[]> { TypedValue = [.. rows.Select(r => PushPreview.From(r.Message))] },
                        new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [.. rows.Select(r => r.Message.SentAt)] },
                    },
                });
            }

            PostgresChangeCommands.AddApplyCommands(batch, changes);
            await batch.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }
}
