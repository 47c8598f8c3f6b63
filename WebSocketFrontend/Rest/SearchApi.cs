using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Primitives;
using Microsoft.OpenApi;
using OrleansChat.Gateway.Auth;
using OrleansChat.Gateway.Protocol;

namespace OrleansChat.Gateway.Rest;

/// <summary>
/// PROTOCOL.md 8: <c>GET /search</c>. The query's shape is checked here; which chats the caller may search, and the
/// search itself, are the search grain's (one call).
/// </summary>
internal static class SearchApi
{
    public const int MaxQueryLength = 200;
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    public static void MapSearchApi(this RouteGroupBuilder api) =>
        api.MapGet("/search", Search)
            .Problems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(Query("q", JsonSchemaType.String, $"The words to find, 1 to {MaxQueryLength} characters; the last one also matches as a prefix.", required: true));
                operation.Parameters.Add(Query("chatId", JsonSchemaType.String, "Only this chat, of which the caller must be a member."));
                operation.Parameters.Add(Query("limit", JsonSchemaType.Integer, $"At most this many results, 1 to {MaxLimit}; {DefaultLimit} when absent."));
                operation.Parameters.Add(Query("before", JsonSchemaType.String, "The next cursor of the previous page."));
                return Task.CompletedTask;
            });

    private static async Task<Ok<SearchResultsDto>> Search(HttpContext context, IGrainFactory grains)
    {
        var query = context.Request.Query;
        var text = Single(query["q"], "q");
        if (string.IsNullOrEmpty(text) || !ProtocolLimits.IsWithinLength(text, MaxQueryLength))
        {
            throw JsonBody.Bad($"q must be 1 to {MaxQueryLength} characters.");
        }

        var limitText = Single(query["limit"], "limit");
        var limit = DefaultLimit;
        if (limitText is not null
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            throw JsonBody.Bad($"limit must be 1 to {MaxLimit}.");
        }

        var request = new SearchRequest(text, Single(query["chatId"], "chatId"), limit, Single(query["before"], "before"));
        var results = await grains.GetGrain<ISearchGrain>(0).Search(context.UserId(), request);
        return TypedResults.Ok(SearchResultsDto.From(results));
    }

    /// <summary>A query parameter given at most once: null when absent.</summary>
    private static string? Single(StringValues values, string name) => values.Count switch
    {
        0 => null,
        1 => values[0],
        _ => throw JsonBody.Bad($"'{name}' may be given once."),
    };

    private static OpenApiParameter Query(string name, JsonSchemaType type, string description, bool required = false) => new()
    {
        Name = name,
        In = ParameterLocation.Query,
        Description = description,
        Required = required,
        Schema = new OpenApiSchema { Type = type },
    };
}

/// <summary>A page of search results, newest first; <c>next</c> is absent on the last page.</summary>
internal sealed record SearchResultsDto(
    IReadOnlyList<SearchResultDto> Results,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Next)
{
    public static SearchResultsDto From(SearchResults results) => new(
        [.. results.Results.Select(r => new SearchResultDto(r.ChatId, r.Seq, r.MessageId, r.SenderId, r.Content, Times.ToWire(r.SentAt)))],
        results.Next);
}

/// <summary>A text found, with its current content.</summary>
internal sealed record SearchResultDto(string ChatId, long Seq, Guid MessageId, string SenderId, string Content, string SentAt);
