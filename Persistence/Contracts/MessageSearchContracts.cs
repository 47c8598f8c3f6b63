namespace OrleansChat.Persistence;

/// <summary>
/// A search of texts (PROTOCOL.md 8): the texts of <see cref="ChatIds"/> whose current content holds every word of
/// <see cref="Text"/> (the last one also as a prefix), at most <see cref="Limit"/>, older than the cursor
/// <see cref="Before"/> when given.
/// </summary>
/// <param name="ChatIds">The chats to look in; none finds nothing.</param>
/// <param name="Text">What the user typed; <see cref="SearchText.Words"/> says which words it holds.</param>
/// <param name="Limit">The most results of the page; at least 1.</param>
/// <param name="Before">The <see cref="SearchPage.Next"/> of the previous page, or null for the first page.</param>
public sealed record SearchQuery(IReadOnlyCollection<string> ChatIds, string Text, int Limit, string? Before = null);

/// <summary>One page of search results, newest first by <see cref="StoredMessage.SentAt"/>.</summary>
/// <param name="Results">The texts with their current content.</param>
/// <param name="Next">The cursor of the next page; null on the last page.</param>
public sealed record SearchPage(IReadOnlyList<StoredMessage> Results, string? Next);

/// <summary>
/// Full-text search over the message store's texts, kept in step with appends, edits and deletes in the transaction
/// that makes them. Implementations must pass the search part of the conformance suite in tests/Persistence.Tests.
/// </summary>
public interface IMessageSearch
{
    /// <summary>
    /// The page of texts (never change events) that are not deleted and whose current content holds every word of the
    /// query as a whole word, case-insensitive, the last word also as the start of a word; newest first by sent time,
    /// ties in an order the store keeps from page to page. A query without any word finds nothing.
    /// </summary>
    /// <exception cref="InvalidSearchCursorException">The cursor is not one this store hands out.</exception>
    Task<SearchPage> SearchAsync(SearchQuery query, CancellationToken cancellationToken = default);
}

/// <summary>A search's <see cref="SearchQuery.Before"/> is not a cursor of this store.</summary>
public sealed class InvalidSearchCursorException(string message) : ArgumentException(message, nameof(SearchQuery.Before));
