using System.Text.Json;
using Microsoft.Data.Sqlite;
using OrleansChat.Persistence.Reading;

namespace OrleansChat.Persistence.Sqlite;

/// <summary>The column lists the store selects, and how their rows become records.</summary>
internal static class SqliteRows
{
    /// <summary>
    /// A row with its current state, selected from <c>messages AS m</c>. A text's reactions come as one JSON array of
    /// [emoji, user] pairs in display order ('[]' when none), its attachments as one JSON array of
    /// [id, name, type, size, width, height] in the order the text listed them
    /// (upload order for texts linked before that order was kept); other kinds have neither and skip the lookups.
    /// </summary>
    public const string MessageColumns = """
        m.chat_id, m.seq, m.message_id, m.sender_id, m.client_msg_id, m.content, m.sent_at,
        m.kind, m.target, m.reply_to, m.remove, m.mentions, m.edited_at, m.deleted,
        CASE WHEN m.kind = 'text' THEN (
            SELECT json_group_array(json_array(r.content, r.user_id) ORDER BY r.emoji_seq, r.first_seq)
            FROM message_reactions AS r WHERE r.chat_id = m.chat_id AND r.target_seq = m.seq) END,
        CASE WHEN m.kind = 'text' THEN (
            SELECT json_group_array(json_array(a.attachment_id, a.name, a.content_type, a.size, a.width, a.height) ORDER BY a.position, a.created_at, a.attachment_id)
            FROM attachments AS a WHERE a.chat_id = m.chat_id AND a.seq = m.seq) END,
        m.job_id, m.stopped
        """;

    /// <summary>How many columns <see cref="MessageColumns"/> selects: the index of a column selected after them.</summary>
    public const int MessageColumnCount = 18;

    /// <summary>What <see cref="ReadTarget"/> reads: a row as the target of a change.</summary>
    public const string TargetColumns = "seq, kind, sender_id, deleted";

    public const string OutboxColumns =
        "id, recipient_id, device_id, chat_id, seq, message_id, sender_id, preview, created_at, attempts, next_attempt_at, last_error, dead_lettered_at";

    public static StoredMessage ReadMessage(SqliteDataReader reader) => new(
        ChatId: reader.GetString(0),
        Seq: reader.GetInt64(1),
        MessageId: Guid.Parse(reader.GetString(2)),
        SenderId: reader.GetString(3),
        ClientMsgId: reader.GetString(4),
        Content: reader.GetString(5),
        SentAt: UnixTime.FromMilliseconds(reader.GetInt64(6)))
    {
        Kind = MessageKinds.Parse(reader.GetString(7)),
        Target = reader.IsDBNull(8) ? null : reader.GetInt64(8),
        ReplyTo = reader.IsDBNull(9) ? null : reader.GetInt64(9),
        Remove = reader.GetInt64(10) != 0,
        Mentions = reader.IsDBNull(11) ? [] : ReadMentions(reader.GetString(11)),
        EditedAt = reader.IsDBNull(12) ? null : UnixTime.FromMilliseconds(reader.GetInt64(12)),
        Deleted = reader.GetInt64(13) != 0,
        Reactions = reader.IsDBNull(14) ? [] : ReadReactions(reader.GetString(14)),
        Attachments = reader.IsDBNull(15) ? [] : ReadAttachments(reader.GetString(15)),
        JobId = reader.IsDBNull(16) ? null : reader.GetString(16),
        Stopped = reader.GetInt64(17) != 0,
    };

    public static MessageTarget ReadTarget(SqliteDataReader reader) =>
        new(reader.GetInt64(0), MessageKinds.Parse(reader.GetString(1)), reader.GetString(2), reader.GetInt64(3) != 0);

    /// <summary>The <c>mentions</c> column of member ids: NULL when there are none, so a plain text stores nothing.</summary>
    public static object MentionsValue(IReadOnlyList<string> mentions) =>
        mentions.Count == 0 ? DBNull.Value : JsonSerializer.Serialize(mentions);

    public static PushOutboxEntry ReadOutboxEntry(SqliteDataReader reader) => new(
        Id: reader.GetInt64(0),
        RecipientId: reader.GetString(1),
        DeviceId: reader.GetString(2),
        ChatId: reader.GetString(3),
        Seq: reader.GetInt64(4),
        MessageId: Guid.Parse(reader.GetString(5)),
        SenderId: reader.GetString(6),
        Preview: reader.GetString(7),
        CreatedAt: UnixTime.FromMilliseconds(reader.GetInt64(8)),
        Attempts: reader.GetInt32(9),
        NextAttemptAt: UnixTime.FromMilliseconds(reader.GetInt64(10)),
        LastError: reader.IsDBNull(11) ? null : reader.GetString(11),
        DeadLetteredAt: reader.IsDBNull(12) ? null : UnixTime.FromMilliseconds(reader.GetInt64(12)));

    /// <summary>Lowercase "d" format, the way message ids are stored.</summary>
    public static string ToText(Guid id) => id.ToString("d");

    private static string[] ReadMentions(string json) => JsonSerializer.Deserialize<string[]>(json) ?? [];

    private static List<MessageAttachment> ReadAttachments(string json)
    {
        if (json == "[]")
        {
            return [];
        }

        var attachments = new List<MessageAttachment>();
        using (var document = JsonDocument.Parse(json))
        {
            foreach (var a in document.RootElement.EnumerateArray())
            {
                attachments.Add(new MessageAttachment(
                    Guid.Parse(a[0].GetString()!),
                    a[1].GetString()!,
                    a[2].GetString()!,
                    a[3].GetInt64(),
                    a[4].ValueKind == JsonValueKind.Null ? null : a[4].GetInt32(),
                    a[5].ValueKind == JsonValueKind.Null ? null : a[5].GetInt32()));
            }
        }

        return attachments;
    }

    private static IReadOnlyList<MessageReaction> ReadReactions(string json)
    {
        if (json == "[]")
        {
            return [];
        }

        var entries = new List<(string Content, string UserId)>();
        using (var document = JsonDocument.Parse(json))
        {
            foreach (var pair in document.RootElement.EnumerateArray())
            {
                entries.Add((pair[0].GetString()!, pair[1].GetString()!));
            }
        }

        return MessageState.Reactions(entries);
    }

    public static Task<List<T>> ReadAllAsync<T>(SqliteCommand command, Func<SqliteDataReader, T> read, CancellationToken cancellationToken) =>
        DbRows.ReadAllAsync(command, read, cancellationToken);
}
