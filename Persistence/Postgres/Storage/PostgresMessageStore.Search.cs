using System.Globalization;
using System.Text;
using Npgsql;

namespace OrleansChat.Persistence.Postgres;

/// <summary>
/// Search (PROTOCOL.md 8) over the <c>search</c> lexemes of <c>messages</c> and their GIN index: newest first by
/// <c>(sent_at, message_id)</c>, which is also the cursor, <c>{sent at in Unix milliseconds}.{message id}</c>.
/// </summary>
public sealed partial class PostgresMessageStore : IMessageSearch
{
    private const string SearchSql = $"""
        SELECT {PostgresRows.MessageColumns}
        FROM messages AS m
        WHERE m.chat_id = ANY($1) AND m.search @@ $2::tsquery AND m.kind = 'text' AND NOT m.deleted
          AND (m.sent_at, m.message_id) < ($4, $5)
        ORDER BY m.sent_at DESC, m.message_id DESC
        LIMIT $3;
        """;

    public Task<SearchPage> SearchAsync(SearchQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(query.ChatIds);
        ArgumentNullException.ThrowIfNull(query.Text);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1, nameof(query));
        var (beforeTime, beforeId) = ParseCursor(query.Before);
        var words = SearchText.Words(query.Text);
        if (words.Count == 0 || query.ChatIds.Count == 0)
        {
            return Task.FromResult(new SearchPage([], Next: null));
        }

        return WithConnectionAsync(
            async connection =>
            {
                var command = new NpgsqlCommand(SearchSql, connection)
                {
                    Parameters =
                    {
                        new NpgsqlParameter<string[]> { TypedValue = [.. query.ChatIds] },
                        new NpgsqlParameter<string> { TypedValue = TsQuery(words) },
                        new NpgsqlParameter<int> { TypedValue = query.Limit + 1 },
                        new NpgsqlParameter<DateTimeOffset> { TypedValue = beforeTime },
                        new NpgsqlParameter<Guid> { TypedValue = beforeId },
                    },
                };
                await using (command.ConfigureAwait(false))
                {
                    var rows = await command.ReadAllAsync(PostgresRows.ReadMessage, cancellationToken).ConfigureAwait(false);
                    return rows.Count > query.Limit
                        ? new SearchPage(rows[..query.Limit], FormatCursor(rows[query.Limit - 1]))
                        : new SearchPage(rows, Next: null);
                }
            },
            cancellationToken);
    }

    /// <summary>
    /// Every word as a quoted lexeme, so nothing in it is syntax, the last one a prefix. Words hold letters and digits
    /// only, never a quote.
    /// </summary>
    private static string TsQuery(IReadOnlyList<string> words)
    {
        var query = new StringBuilder();
        foreach (var word in words)
        {
            query.Append(query.Length == 0 ? "'" : " & '").Append(word).Append('\'');
        }

        return query.Append(":*").ToString();
    }

    private static string FormatCursor(StoredMessage last) =>
        string.Create(CultureInfo.InvariantCulture, $"{last.SentAt.ToUnixTimeMilliseconds()}.{last.MessageId:N}");

    /// <summary>The (sent at, message id) the page starts below; past every row when there is no cursor.</summary>
    private static (DateTimeOffset SentAt, Guid MessageId) ParseCursor(string? before)
    {
        if (before is null)
        {
            return (DateTimeOffset.MaxValue, Guid.AllBitsSet);
        }

        var dot = before.IndexOf('.', StringComparison.Ordinal);
        return dot > 0
            && long.TryParse(before.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds)
            && milliseconds <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()
            && Guid.TryParseExact(before.AsSpan(dot + 1), "N", out var messageId)
            ? (DateTimeOffset.FromUnixTimeMilliseconds(milliseconds), messageId)
            : throw new InvalidSearchCursorException($"'{before}' is not a search cursor.");
    }
}
