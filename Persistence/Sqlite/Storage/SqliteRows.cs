using Microsoft.Data.Sqlite;
using OrleansChat.Persistence.Reading;

namespace OrleansChat.Persistence.Sqlite;

/// <summary>The column lists the store selects, and how their rows become records.</summary>
internal static class SqliteRows
{
    public const string MessageColumns = "chat_id, seq, message_id, sender_id, client_msg_id, content, sent_at";

    public const string OutboxColumns =
        "id, recipient_id, device_id, chat_id, seq, message_id, sender_id, preview, created_at, attempts, next_attempt_at, last_error, dead_lettered_at";

    public static StoredMessage ReadMessage(SqliteDataReader reader) => new(
        ChatId: reader.GetString(0),
        Seq: reader.GetInt64(1),
        MessageId: Guid.Parse(reader.GetString(2)),
        SenderId: reader.GetString(3),
        ClientMsgId: reader.GetString(4),
        Content: reader.GetString(5),
        SentAt: UnixTime.FromMilliseconds(reader.GetInt64(6)));

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

    public static Task<List<T>> ReadAllAsync<T>(SqliteCommand command, Func<SqliteDataReader, T> read, CancellationToken cancellationToken) =>
        DbRows.ReadAllAsync(command, read, cancellationToken);
}
