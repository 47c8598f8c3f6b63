using Npgsql;

namespace OrleansChat.Persistence.Postgres;

/// <summary>
/// Migration 6's indexing of the texts stored before it: every text that is not deleted gets the search lexemes of its
/// current content by <see cref="SearchText.Document"/>, the rule the append path indexes new texts by, in pages in
/// key order, inside the migration's transaction.
/// </summary>
internal static class PostgresSearchBackfill
{
    private const int PageSize = 5000;

    private const string ReadPage = """
        SELECT chat_id, seq, content FROM messages
        WHERE kind = 'text' AND NOT deleted AND (chat_id, seq) > ($1, $2)
        ORDER BY chat_id, seq
        LIMIT $3;
        """;

    private const string WritePage = """
        UPDATE messages AS m SET search = array_to_tsvector(string_to_array(u.words, ' '))
        FROM unnest($1::text[], $2::bigint[], $3::text[]) AS u(chat_id, seq, words)
        WHERE m.chat_id = u.chat_id AND m.seq = u.seq;
        """;

    public static async Task RunAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var (chatId, seq) = ("", long.MinValue);
        while (true)
        {
            var read = connection.Command(ReadPage, chatId, seq, PageSize);
            List<(string ChatId, long Seq, string Words)> page;
            await using (read.ConfigureAwait(false))
            {
                page = await read.ReadAllAsync(r => (r.GetString(0), r.GetInt64(1), SearchText.Document(r.GetString(2))), cancellationToken).ConfigureAwait(false);
            }

            if (page.Count == 0)
            {
                return;
            }

            var write = new NpgsqlCommand(WritePage, connection)
            {
                Parameters =
                {
                    new NpgsqlParameter<string[]> { TypedValue = [.. page.Select(p => p.ChatId)] },
                    new NpgsqlParameter<long[]> { TypedValue = [.. page.Select(p => p.Seq)] },
                    new NpgsqlParameter<string[]> { TypedValue = [.. page.Select(p => p.Words)] },
                },
            };
            await using (write.ConfigureAwait(false))
            {
                await write.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            (chatId, seq) = (page[^1].ChatId, page[^1].Seq);
        }
    }
}
