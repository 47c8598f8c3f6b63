using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using OrleansChat.Persistence;

namespace OrleansChat.Grains;

/// <summary>
/// Search (PROTOCOL.md 8): the user's chats from their user grain, then one query of the silo's message store. A
/// stateless worker, so searches run on the silo that takes them, as many at once as arrive.
/// </summary>
[StatelessWorker]
public sealed partial class SearchGrain(IMessageSearch search, ILogger<SearchGrain> logger) : Grain, ISearchGrain
{
    public async Task<SearchResults> Search(string userId, SearchRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var chats = await GrainFactory.GetGrain<IUserGrain>(userId).GetChats();
        IReadOnlyCollection<string> chatIds = [.. chats.Select(c => c.ChatId)];
        if (request.ChatId is { } chatId)
        {
            chatIds = chatIds.Contains(chatId, StringComparer.Ordinal)
                ? [chatId]
                : throw ChatException.Forbidden($"You are not a member of chat '{chatId}'.");
        }

        SearchPage page;
        try
        {
            page = await search.SearchAsync(new SearchQuery(chatIds, request.Query, request.Limit, request.Before));
        }
        catch (InvalidSearchCursorException)
        {
            throw ChatException.BadRequest("'before' is not a cursor this server handed out.");
        }
        catch (Exception ex) when (ex is not ChatException)
        {
            LogSearchFailed(ex, userId);
            throw ChatException.Unavailable("Search is temporarily unavailable.");
        }

        return new SearchResults(
            [.. page.Results.Select(m => new SearchHit(m.ChatId, m.Seq, m.MessageId, m.SenderId, m.Content, m.SentAt))],
            page.Next);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A search of user {UserId} failed")]
    private partial void LogSearchFailed(Exception exception, string userId);
}
