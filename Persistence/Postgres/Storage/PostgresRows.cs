using System.Globalization;
using System.Net.Sockets;
using Npgsql;
using OrleansChat.Persistence.Reading;

namespace OrleansChat.Persistence.Postgres;

/// <summary>The column lists the store selects, how their rows become records, and how times are kept.</summary>
internal static class PostgresRows
{
    /// <summary>
    /// A row with its current state, selected from <c>messages AS m</c>. A text's reactions come as one two-dimensional
    /// array of [emoji, user] pairs in display order (NULL when none), its attachments as one of
    /// [id, name, type, size, width, height] in the order the text listed them
    /// (upload order for texts linked before that order was kept); other kinds have neither and skip the lookups.
    /// </summary>
    public const string MessageColumns = """
        m.chat_id, m.seq, m.message_id, m.sender_id, m.client_msg_id, m.content, m.sent_at,
        m.kind, m.target, m.reply_to, m.remove, m.mentions, m.edited_at, m.deleted,
        CASE WHEN m.kind = 'text' THEN (
            SELECT array_agg(ARRAY[r.content, r.user_id] ORDER BY r.emoji_seq, r.first_seq)
            FROM message_reactions AS r WHERE r.chat_id = m.chat_id AND r.target_seq = m.seq) END,
        CASE WHEN m.kind = 'text' THEN (
            SELECT array_agg(ARRAY[a.attachment_id::text, a.name, a.content_type, a.size::text, a.width::text, a.height::text]
                             ORDER BY a.position, a.created_at, a.attachment_id)
            FROM attachments AS a WHERE a.chat_id = m.chat_id AND a.seq = m.seq) END,
        m.job_id, m.stopped
        """;

    /// <summary>What <see cref="ReadTarget"/> reads: a row as the target of a change.</summary>
    public const string TargetColumns = "seq, kind, sender_id, deleted";

    public const string OutboxColumns =
        "id, recipient_id, device_id, chat_id, seq, message_id, sender_id, preview, created_at, attempts, next_attempt_at, last_error, dead_lettered_at";

    public static StoredMessage ReadMessage(NpgsqlDataReader reader) => new(
        ChatId: reader.GetString(0),
        Seq: reader.GetInt64(1),
        MessageId: reader.GetGuid(2),
        SenderId: reader.GetString(3),
        ClientMsgId: reader.GetString(4),
        Content: reader.GetString(5),
        SentAt: reader.GetFieldValue<DateTimeOffset>(6))
    {
        Kind = MessageKinds.Parse(reader.GetString(7)),
        Target = reader.IsDBNull(8) ? null : reader.GetInt64(8),
        ReplyTo = reader.IsDBNull(9) ? null : reader.GetInt64(9),
        Remove = reader.GetBoolean(10),
        Mentions = reader.IsDBNull(11) ? [] : reader.GetFieldValue<string[]>(11),
        EditedAt = reader.IsDBNull(12) ? null : reader.GetFieldValue<DateTimeOffset>(12),
        Deleted = reader.GetBoolean(13),
        Reactions = reader.IsDBNull(14) ? [] : ReadReactions(reader.GetFieldValue<string[,]>(14)),
        Attachments = reader.IsDBNull(15) ? [] : ReadAttachments(reader.GetFieldValue<string?[,]>(15)),
        JobId = reader.IsDBNull(16) ? null : reader.GetString(16),
        Stopped = reader.GetBoolean(17),
    };

    public static MessageTarget ReadTarget(NpgsqlDataReader reader) =>
        new(reader.GetInt64(0), MessageKinds.Parse(reader.GetString(1)), reader.GetString(2), reader.GetBoolean(3));

    /// <summary>The <c>mentions</c> column of member ids: NULL when there are none, so a plain text stores nothing.</summary>
    public static string[]? MentionsValue(IReadOnlyList<string> mentions) => mentions.Count == 0 ? null : [.. mentions];

    public static PushOutboxEntry ReadOutboxEntry(NpgsqlDataReader reader) => new(
        Id: reader.GetInt64(0),
        RecipientId: reader.GetString(1),
        DeviceId: reader.GetString(2),
        ChatId: reader.GetString(3),
        Seq: reader.GetInt64(4),
        MessageId: reader.GetGuid(5),
        SenderId: reader.GetString(6),
        Preview: reader.GetString(7),
        CreatedAt: reader.GetFieldValue<DateTimeOffset>(8),
        Attempts: reader.GetInt32(9),
        NextAttemptAt: reader.GetFieldValue<DateTimeOffset>(10),
        LastError: reader.IsDBNull(11) ? null : reader.GetString(11),
        DeadLetteredAt: reader.IsDBNull(12) ? null : reader.GetFieldValue<DateTimeOffset>(12));

    private static MessageAttachment[] ReadAttachments(string?[,] rows)
    {
        var attachments = new MessageAttachment[rows.GetLength(0)];
        for (var i = 0; i < attachments.Length; i++)
        {
            attachments[i] = new MessageAttachment(
                Guid.Parse(rows[i, 0]!),
                rows[i, 1]!,
                rows[i, 2]!,
                long.Parse(rows[i, 3]!, CultureInfo.InvariantCulture),
                rows[i, 4] is { } width ? int.Parse(width, CultureInfo.InvariantCulture) : null,
                rows[i, 5] is { } height ? int.Parse(height, CultureInfo.InvariantCulture) : null);
        }

        return attachments;
    }

    private static IReadOnlyList<MessageReaction> ReadReactions(string[,] pairs)
    {
        var entries = new List<(string Content, string UserId)>(pairs.GetLength(0));
        for (var i = 0; i < pairs.GetLength(0); i++)
        {
            entries.Add((pairs[i, 0], pairs[i, 1]));
        }

        return MessageState.Reactions(entries);
    }

    /// <summary>
    /// The time as the store keeps it: UTC, millisecond precision (the same as the SQLite store, so a message reads
    /// back equal to its acknowledgement whichever store holds it).
    /// </summary>
    public static DateTimeOffset Time(DateTimeOffset time) => DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds());

    /// <summary>Failures that mean the database could not be reached or used, as opposed to bugs in the caller.</summary>
    public static bool IsUnavailable(Exception exception) =>
        exception is NpgsqlException or SocketException or IOException or TimeoutException;
}
