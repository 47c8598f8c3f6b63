using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using OrleansChat.Gateway.Auth;
using OrleansChat.Gateway.Protocol;

namespace OrleansChat.Gateway.Rest;

/// <summary>
/// PROTOCOL.md 10: what a client on the event stream cannot send as frames, over REST. Each is the frame's one grain
/// call, with the frame's rules; what the frame would answer with an <c>error</c>, these answer as problem details.
/// </summary>
internal static class ActionsApi
{
    public static void MapActionsApi(this RouteGroupBuilder api, RouteGroupBuilder chat)
    {
        const int BadRequest = StatusCodes.Status400BadRequest, TooLarge = StatusCodes.Status413PayloadTooLarge,
            NotJson = StatusCodes.Status415UnsupportedMediaType;

        chat.MapPost("/typing", Typing).Problems(BadRequest, TooLarge, NotJson);
        chat.MapPost("/read", Read).Problems(BadRequest, TooLarge, NotJson);
        chat.MapPost("/delivered", Delivered).Problems(BadRequest, TooLarge, NotJson);
        api.MapPost("/sync", Sync).Problems(BadRequest, TooLarge, NotJson);
    }

    private static async Task<NoContent> Typing(string chatId, TypingRequest request, HttpContext context, IGrainFactory grains)
    {
        await grains.GetGrain<IChatRoomGrain>(chatId).SetTyping(context.UserId(), request.State == "start");
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> Read(string chatId, SeqRequest request, HttpContext context, IGrainFactory grains)
    {
        await grains.GetGrain<IChatRoomGrain>(chatId).MarkRead(context.UserId(), request.Seq);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> Delivered(string chatId, SeqRequest request, HttpContext context, IGrainFactory grains)
    {
        await grains.GetGrain<IChatRoomGrain>(chatId).MarkDelivered(context.UserId(), request.Seq);
        return TypedResults.NoContent();
    }

    /// <summary>Chats are read one after another, as the frame reads them; a chat that fails answers its error code in its place.</summary>
    private static async Task<Ok<SyncAnswerDto>> Sync(SyncRequest request, HttpContext context, IGrainFactory grains, ILoggerFactory loggers)
    {
        var userId = context.UserId();
        var plan = request.ToPlan();
        var chats = new List<SyncedChatDto>(plan.Count);
        foreach (var chat in plan)
        {
            try
            {
                var page = await ChatSync.ReadAsync(grains, userId, chat);
                chats.Add(new SyncedChatDto(chat.ChatId, [.. page.Messages.Select(MessageDto.From)], page.LastSeq, page.HasMore, null));
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
            {
                var error = ProtocolErrors.From(ex, loggers.CreateLogger(typeof(ActionsApi)));
                chats.Add(new SyncedChatDto(chat.ChatId, null, null, null, error.Code));
            }
        }

        return TypedResults.Ok(new SyncAnswerDto(chats));
    }
}
