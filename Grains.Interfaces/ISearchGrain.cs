namespace OrleansChat;

/// <summary>
/// Search of a user's texts (PROTOCOL.md 8), served by whichever silo holds the message store: a gateway that runs
/// without one (cluster mode) reaches the store through it. Rule violations throw <see cref="ChatException"/>.
/// </summary>
[Alias("chat.ISearchGrain")]
public interface ISearchGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// The texts of <paramref name="userId"/>'s chats (or of the one chat the request names, Forbidden when the user
    /// is not in it) that match the query, newest first; BadRequest for a cursor this store did not hand out.
    /// </summary>
    [Alias("Search")]
    Task<SearchResults> Search(string userId, SearchRequest request);
}

/// <summary>What the user typed, where to look, and where the page starts.</summary>
[GenerateSerializer, Immutable]
[Alias("chat.SearchRequest")]
public sealed record SearchRequest(
    [property: Id(0)] string Query,
    [property: Id(1)] string? ChatId,
    [property: Id(2)] int Limit,
    [property: Id(3)] string? Before);

/// <summary>A page of results; <see cref="Next"/> is null on the last page.</summary>
[GenerateSerializer, Immutable]
[Alias("chat.SearchResults")]
public sealed record SearchResults(
    [property: Id(0)] IReadOnlyList<SearchHit> Results,
    [property: Id(1)] string? Next);

/// <summary>A text found, with its current content.</summary>
[GenerateSerializer, Immutable]
[Alias("chat.SearchHit")]
public sealed record SearchHit(
    [property: Id(0)] string ChatId,
    [property: Id(1)] long Seq,
    [property: Id(2)] Guid MessageId,
    [property: Id(3)] string SenderId,
    [property: Id(4)] string Content,
    [property: Id(5)] DateTimeOffset SentAt);
