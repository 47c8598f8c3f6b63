using System.Text.Json;

namespace OrleansChat.Persistence.Sqlite;

/// <summary>Search (PROTOCOL.md 8) over <c>message_search</c>, whose rowids order its rows by sent time (<see cref="SqliteSearch"/>).</summary>
public sealed partial class SqliteMessageStore : IMessageSearch
{
    // FTS5 yields the match newest first and the page stops after its rows; the chats (which the match narrows by their
    // tokens when there are few) and the text's current state are checked on each match. CROSS JOIN keeps the index as the outer loop: the planner would otherwise walk the chats'
    // messages and probe the index once per message.
    private const string SearchSql = $"""
        SELECT {SqliteRows.MessageColumns}, s.rowid
        FROM message_search AS s CROSS JOIN messages AS m
        WHERE message_search MATCH $match AND s.rowid < $before
          AND s.chat_id IN (SELECT value FROM json_each($chats))
          AND m.chat_id = s.chat_id AND m.seq = s.seq AND m.kind = 'text' AND m.deleted = 0
        ORDER BY s.rowid DESC
        LIMIT $take;
        """;

    public async Task<SearchPage> SearchAsync(SearchQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(query.ChatIds);
        ArgumentNullException.ThrowIfNull(query.Text);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1, nameof(query));
        var before = SqliteSearch.ParseCursor(query.Before);
        var words = SearchText.Words(query.Text);
        if (words.Count == 0 || query.ChatIds.Count == 0)
        {
            return new SearchPage([], Next: null);
        }

        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = connection.Command(SearchSql)
                .With("$match", SqliteSearch.Match(words, query.ChatIds))
                .With("$before", before)
                .With("$chats", JsonSerializer.Serialize(query.ChatIds))
                .With("$take", query.Limit + 1);
            await using (command.ConfigureAwait(false))
            {
                var rows = await SqliteRows.ReadAllAsync(command, reader => (Message: SqliteRows.ReadMessage(reader), Rowid: reader.GetInt64(SqliteRows.MessageColumnCount)), cancellationToken)
                    .ConfigureAwait(false);
                return rows.Count > query.Limit
                    ? new SearchPage([.. rows.Take(query.Limit).Select(r => r.Message)], SqliteSearch.FormatCursor(rows[query.Limit - 1].Rowid))
                    : new SearchPage([.. rows.Select(r => r.Message)], Next: null);
            }
        }
    }
}
