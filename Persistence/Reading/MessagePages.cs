namespace OrleansChat.Persistence.Reading;

/// <summary>
/// The look-ahead paging both stores share: a range is read one row past its limit, in its own direction, so
/// whether more remain is known without a second query.
/// </summary>
internal static class MessagePages
{
    /// <summary>The SQL sort order of the rows a range reads: newest first when it reads from the newest.</summary>
    public static string Order(MessageRange range) => range.FromNewest ? "DESC" : "ASC";

    /// <summary>How many rows to read: one more than the range's limit.</summary>
    public static long RowsToRead(MessageRange range) => (long)range.Limit + 1;

    /// <summary>The page from rows read with <see cref="Order"/> and <see cref="RowsToRead"/>; reuses the list.</summary>
    public static MessagePage From(List<StoredMessage> rows, MessageRange range)
    {
        var hasMore = rows.Count > range.Limit;
        if (hasMore)
        {
            rows.RemoveAt(rows.Count - 1);
        }

        if (range.FromNewest)
        {
            rows.Reverse();
        }

        return new MessagePage(rows, hasMore);
    }
}
