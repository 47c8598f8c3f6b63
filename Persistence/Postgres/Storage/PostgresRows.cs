using System.Net.Sockets;
using Npgsql;

namespace OrleansChat.Persistence.Postgres;

/// <summary>The column lists the store selects, how their rows become records, and how times are kept.</summary>
internal static class PostgresRows
{
    public const string MessageColumns = "chat_id, seq, message_id, sender_id, client_msg_id, content, sent_at";

    public const string OutboxColumns =
        "id, recipient_id, device_id, chat_id, seq, message_id, sender_id, preview, created_at, attempts, next_attempt_at, last_error, dead_lettered_at";

    public static StoredMessage ReadMessage(NpgsqlDataReader reader) => new(
        ChatId: reader.GetString(0),
        Seq: reader.GetInt64(1),
        MessageId: reader.GetGuid(2),
        SenderId: reader.GetString(3),
        ClientMsgId: reader.GetString(4),
        Content: reader.GetString(5),
        SentAt: reader.GetFieldValue<DateTimeOffset>(6));

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

    /// <summary>
    /// The time as the store keeps it: UTC, millisecond precision (the same as the SQLite store, so a message reads
    /// back equal to its acknowledgement whichever store holds it).
    /// </summary>
    public static DateTimeOffset Time(DateTimeOffset time) => DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds());

    /// <summary>Failures that mean the database could not be reached or used, as opposed to bugs in the caller.</summary>
    public static bool IsUnavailable(Exception exception) =>
        exception is NpgsqlException or SocketException or IOException or TimeoutException;
}
