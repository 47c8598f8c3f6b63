using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using OrleansChat.Persistence.Reading;

namespace OrleansChat.Persistence.Sqlite;

/// <summary>Unread counts (PROTOCOL.md 6.5): every chat of a member in one statement.</summary>
public sealed partial class SqliteMessageStore
{
    // The chats travel as one JSON object {chatId: readSeq}, so any number of them is one statement with one parameter.
    // CROSS JOIN keeps them the outer loop: each chat is then one range of the primary key (chat_id, seq > read seq),
    // and the cost is the unread rows, not the chat's history. A mention is an exact member id in the JSON array.
    private const string CountUnreadSql = """
        SELECT m.chat_id,
               COUNT(*),
               SUM(m.mentions IS NOT NULL AND EXISTS (SELECT 1 FROM json_each(m.mentions) AS mention WHERE mention.value = $userId))
        FROM json_each($reads) AS r CROSS JOIN messages AS m
        WHERE m.chat_id = r.key AND m.seq > r.value
          AND m.kind = 'text' AND m.deleted = 0 AND m.sender_id <> $userId
        GROUP BY m.chat_id;
        """;

    public async Task<IReadOnlyList<UnreadCount>> CountUnreadAsync(string userId, IReadOnlyCollection<ReadPosition> chats, CancellationToken cancellationToken = default)
    {
        ReadPositions.Check(userId, chats);
        if (chats.Count == 0)
        {
            return [];
        }

        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = connection.Command(CountUnreadSql).With("$userId", userId).With("$reads", ReadsJson(chats));
            await using (command.ConfigureAwait(false))
            {
                return await SqliteRows.ReadAllAsync(command, ReadCount, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static UnreadCount ReadCount(SqliteDataReader reader) => new(reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2));

    private static string ReadsJson(IReadOnlyCollection<ReadPosition> chats)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var chat in chats)
            {
                json.WriteNumber(chat.ChatId, chat.ReadSeq);
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
