using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using OrleansChat.Gateway.Auth;

namespace OrleansChat.Gateway.Rest;

/// <summary>PROTOCOL.md 6.5: a member's mute of a chat, and the users a user blocked. Each handler is one call to the caller's user grain.</summary>
internal static class SettingsApi
{
    public static void MapSettingsApi(this RouteGroupBuilder api, RouteGroupBuilder chat)
    {
        const int BadRequest = StatusCodes.Status400BadRequest, Conflict = StatusCodes.Status409Conflict,
            TooLarge = StatusCodes.Status413PayloadTooLarge, NotJson = StatusCodes.Status415UnsupportedMediaType;

        chat.MapPut("/settings", SetChatSettings).Problems(BadRequest, TooLarge, NotJson);
        api.MapGet("/me/blocks", ListBlocked);
        api.MapPut("/me/blocks/{userId}", Block).Problems(BadRequest, Conflict);
        api.MapDelete("/me/blocks/{userId}", Unblock).Problems(BadRequest);
    }

    private static async Task<Ok<ChatSettingsDto>> SetChatSettings(string chatId, ChatSettingsRequest request, HttpContext context, IGrainFactory grains)
    {
        var settings = await grains.GetGrain<IUserGrain>(context.UserId()).SetChatSettings(chatId, new ChatSettings(request.Muted, request.MutedUntil));
        return TypedResults.Ok(ChatSettingsDto.From(settings));
    }

    private static async Task<Ok<BlockListDto>> ListBlocked(HttpContext context, IGrainFactory grains) =>
        TypedResults.Ok(new BlockListDto(await grains.GetGrain<IUserGrain>(context.UserId()).GetBlocked()));

    /// <summary>Any well-formed user id may be blocked, whether or not it ever connected: ids are opaque, and a block may come first.</summary>
    private static async Task<NoContent> Block(string userId, HttpContext context, IGrainFactory grains)
    {
        await grains.GetGrain<IUserGrain>(context.UserId()).Block(ValidUserId(userId));
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> Unblock(string userId, HttpContext context, IGrainFactory grains)
    {
        await grains.GetGrain<IUserGrain>(context.UserId()).Unblock(ValidUserId(userId));
        return TypedResults.NoContent();
    }

    private static string ValidUserId(string userId) =>
        Identifiers.IsValidUserId(userId) ? userId : throw JsonBody.Bad("The user id is not valid (1 to 64 of A-Z a-z 0-9 _ . - @).");
}
