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

    /// <summary>The SQL function the migration indexes stored texts with: <see cref="Row"/> of content and chat id.</summary>
    public const string RowFunction = "chat_search_row";

    /// <summary>
    /// A search that names at most this many chats also asks the index for their chat tokens, so it skips other chats'
    /// texts instead of reading each one; past it, the caller's chats hold a large share of the texts anyway.
    /// </summary>
    public const int MaxChatTokensPerQuery = 64;

    /// <summary>The longest prefix <c>message_search</c> has a prefix index for (migration 6).</summary>
    public const int LongestIndexedPrefix = 3;

    /// <summary>
    /// A longer last word is asked for as the OR of at most this many words it starts (<see cref="Match"/>); past it,
    /// FTS5 expands the prefix itself, slower but as exact.
    /// </summary>
    public const int MaxPrefixWords = 64;

    /// <summary>What every chat token starts with: neither a letter nor a digit, so no word starts with it.</summary>
    public const char ChatTokenMark = '§';

    /// <summary>
    /// What the index holds for a text: its words (<see cref="SearchText.Document"/>) and its chat's token. The token
    /// starts with '§', which is neither a letter nor a digit, so it never equals nor starts a word of a query.
    /// </summary>
    public static string Row(string content, string chatId) => RowOfWords(SearchText.Document(content), chatId);

    /// <summary><see cref="Row"/> of a text whose <see cref="SearchText.Document"/> is <paramref name="words"/>.</summary>
    public static string RowOfWords(string words, string chatId) =>
        words.Length == 0 ? ChatToken(chatId) : string.Concat(words, " ", ChatToken(chatId));

    /// <summary>
    /// A chat's token: '§' and a 64-bit FNV-1a hash of its id in hex (the ascii tokenizer keeps non-ASCII characters in
    /// tokens). Two chats may share one; the search still checks each match's chat id.
    /// </summary>
    public static string ChatToken(string chatId)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in chatId)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return string.Create(CultureInfo.InvariantCulture, $"{ChatTokenMark}{hash:x16}");
    }

    /// <summary>The first rowid of a text sent at <paramref name="sentAt"/>.</summary>
    public static long RowidBase(DateTimeOffset sentAt) =>
        Math.Clamp(sentAt.ToUnixTimeMilliseconds(), 0, LatestMillisecond) * RowsPerMillisecond;

    /// <summary><see cref="RowidBase"/> in SQL, of a column or expression of Unix milliseconds.</summary>
    public static string RowidBaseSql(string unixMilliseconds) =>
        string.Create(CultureInfo.InvariantCulture, $"(MIN(MAX({unixMilliseconds}, 0), {LatestMillisecond}) * {RowsPerMillisecond})");

    /// <summary>
    /// The FTS5 query of <paramref name="words"/> (from <see cref="SearchText.Words"/>): each one a quoted string, so
    /// nothing in it is syntax; FTS5 requires them all, and one of the chats' tokens when there are at most
    /// <see cref="MaxChatTokensPerQuery"/> chats. The last word is a prefix query, or, when
    /// <paramref name="lastWordExpansion"/> is given (every indexed word it starts), the OR of those words, which FTS5
    /// walks lazily instead of merging every matching doclist first.
    /// </summary>
    public static string Match(IReadOnlyList<string> words, IReadOnlyCollection<string> chatIds, IReadOnlyList<string>? lastWordExpansion = null)
    {
        var match = new StringBuilder();
        if (chatIds.Count <= MaxChatTokensPerQuery)
        {
            match.Append('(');
            foreach (var chatId in chatIds)
            {
                match.Append(match.Length == 1 ? "\"" : " OR \"").Append(ChatToken(chatId)).Append('"');
            }

            match.Append(") AND ");
        }

        for (var i = 0; i < words.Count - 1; i++)
        {
            match.Append('"').Append(words[i]).Append("\" AND ");
        }

        if (lastWordExpansion is null)
        {
            return match.Append('"').Append(words[^1]).Append("\"*").ToString();
        }

        match.Append('(');
        foreach (var word in lastWordExpansion)
        {
            match.Append(match[^1] == '(' ? "\"" : " OR \"").Append(word).Append('"');
        }

        return match.Append(')').ToString();
    }

    /// <summary>
    /// Whether FTS5 reads <paramref name="prefix"/> from a prefix index: at most <see cref="LongestIndexedPrefix"/>
    /// characters, as FTS5 counts them (code points).
    /// </summary>
    public static bool HasPrefixIndex(ReadOnlySpan<char> prefix)
    {
        var characters = 0;
        foreach (var _ in prefix.EnumerateRunes())
        {
            if (++characters > LongestIndexedPrefix)
            {
                return false;
            }
        }

        return true;
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
