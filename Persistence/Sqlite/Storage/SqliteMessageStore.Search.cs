using System.Text.Json;
using Microsoft.Data.Sqlite;

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

    // The indexed words the last word starts, in one primary-key range; U+10FFFF is no letter, so it ends no word's start.
    private static readonly string PrefixWordsSql = $"""
        SELECT word FROM search_words WHERE word >= $prefix AND word < $prefix || char(1114111)
        LIMIT {SqliteSearch.MaxPrefixWords + 1};
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
            string match;
            if (SqliteSearch.HasPrefixIndex(words[^1]))
            {
                match = SqliteSearch.Match(words, query.ChatIds);
            }
            else
            {
                var expansion = await PrefixWordsAsync(connection, words[^1], cancellationToken).ConfigureAwait(false);
                if (expansion.Count == 0)
                {
                    return new SearchPage([], Next: null);
                }

                match = SqliteSearch.Match(words, query.ChatIds, expansion.Count > SqliteSearch.MaxPrefixWords ? null : expansion);
            }

            var command = connection.Command(SearchSql)
                .With("$match", match)
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

    /// <summary>The indexed words <paramref name="prefix"/> starts, at most one more than <see cref="SqliteSearch.MaxPrefixWords"/>.</summary>
    private static async Task<IReadOnlyList<string>> PrefixWordsAsync(
        SqliteConnection connection, string prefix, CancellationToken cancellationToken)
    {
        var command = connection.Command(PrefixWordsSql).With("$prefix", prefix);
        await using (command.ConfigureAwait(false))
        {
            return await SqliteRows.ReadAllAsync(command, reader => reader.GetString(0), cancellationToken).ConfigureAwait(false);
        }
    }
}
