using Npgsql;
using OrleansChat.Persistence.Reading;

namespace OrleansChat.Persistence.Postgres;

/// <summary>Unread counts (PROTOCOL.md 6.5): every chat of a member in one statement.</summary>
public sealed partial class PostgresMessageStore
{
    // The chats travel as two parallel arrays, so any number of them is one statement. Each chat is then one range of
    // the primary key (chat_id, seq > read seq) in its partition, and the cost is the unread rows, not the chat's
    // history. A mention is an exact member id in the text array.
    private const string CountUnreadSql = """
        SELECT m.chat_id, count(*)::integer, (count(*) FILTER (WHERE $1 = ANY (m.mentions)))::integer
        FROM unnest($2::text[], $3::bigint[]) AS r(chat_id, read_seq)
        JOIN messages AS m ON m.chat_id = r.chat_id AND m.seq > r.read_seq
        WHERE m.kind = 'text' AND NOT m.deleted AND m.sender_id <> $1
        GROUP BY m.chat_id;
        """;

    public Task<IReadOnlyList<UnreadCount>> CountUnreadAsync(string userId, IReadOnlyCollection<ReadPosition> chats, CancellationToken cancellationToken = default)
    {
        ReadPositions.Check(userId, chats);
        if (chats.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<UnreadCount>>([]);
        }

        return WithConnectionAsync<IReadOnlyList<UnreadCount>>(
            async connection =>
            {
                var command = new NpgsqlCommand(CountUnreadSql, connection)
                {
                    Parameters =
                    {
                        new NpgsqlParameter<string> { TypedValue = userId },
                        new NpgsqlParameter<string[]> { TypedValue = [.. chats.Select(c => c.ChatId)] },
                        new NpgsqlParameter<long[]> { TypedValue = [.. chats.Select(c => c.ReadSeq)] },
                    },
                };
                await using (command.ConfigureAwait(false))
                {
                    return await command.ReadAllAsync(
                        reader => new UnreadCount(reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2)),
                        cancellationToken).ConfigureAwait(false);
                }
            },
            cancellationToken);
    }
}
