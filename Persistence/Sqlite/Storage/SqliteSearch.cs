using System.Globalization;
using System.Text;

namespace OrleansChat.Persistence.Sqlite;

/// <summary>
/// How <c>message_search</c> (migration 4) keys its rows: a text sent at Unix millisecond <c>t</c> has a rowid in
/// <c>[t * 2^21, (t + 1) * 2^21)</c>, the first free one. FTS5 walks a match in rowid order, so newest first by sent time
/// is its natural order and a page stops after its rows instead of sorting every match; the rowid is also the cursor,
/// unique even among texts of the same millisecond. A change finds its target's row from the target's sent time, so
/// no other table maps messages to rows.
/// </summary>
internal static class SqliteSearch
{
    /// <summary>Rowids per millisecond: far more texts than one store commits in a millisecond.</summary>
    public const long RowsPerMillisecond = 1L << 21;

    /// <summary>Sent times are clamped to [1970, 2096], so every rowid fits in 63 bits.</summary>
    public const long LatestMillisecond = 4_000_000_000_000;

    /// <summary>The SQL function the migration indexes stored texts with: <see cref="SearchText.Document"/>.</summary>
    public const string DocumentFunction = "chat_search_document";

    /// <summary>The first rowid of a text sent at <paramref name="sentAt"/>.</summary>
    public static long RowidBase(DateTimeOffset sentAt) =>
        Math.Clamp(sentAt.ToUnixTimeMilliseconds(), 0, LatestMillisecond) * RowsPerMillisecond;

    /// <summary><see cref="RowidBase"/> in SQL, of a column or expression of Unix milliseconds.</summary>
    public static string RowidBaseSql(string unixMilliseconds) =>
        string.Create(CultureInfo.InvariantCulture, $"(MIN(MAX({unixMilliseconds}, 0), {LatestMillisecond}) * {RowsPerMillisecond})");

    /// <summary>
    /// The FTS5 query of <paramref name="words"/> (from <see cref="SearchText.Words"/>): each one a quoted string, so
    /// nothing in it is syntax, the last one a prefix; FTS5 requires them all.
    /// </summary>
    public static string Match(IReadOnlyList<string> words)
    {
        var match = new StringBuilder();
        foreach (var word in words)
        {
            match.Append('"').Append(word).Append("\" ");
        }

        match[^1] = '*';
        return match.ToString();
    }

    /// <summary>A cursor: the rowid of the last result of the previous page.</summary>
    public static long ParseCursor(string? before)
    {
        if (before is null)
        {
            return long.MaxValue;
        }

        return long.TryParse(before, NumberStyles.None, CultureInfo.InvariantCulture, out var rowid)
            ? rowid
            : throw new InvalidSearchCursorException($"'{before}' is not a search cursor.");
    }

    public static string FormatCursor(long rowid) => rowid.ToString(CultureInfo.InvariantCulture);
}
