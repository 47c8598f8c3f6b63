using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Primitives;
using OrleansChat.Gateway.Auth;
using OrleansChat.Gateway.Protocol;

namespace OrleansChat.Gateway.Rest;

/// <summary>
/// PROTOCOL.md 4: chats, members and messages over REST. Each handler is one grain call and one answer; the request
/// was checked before it was bound (<see cref="RestRequestChecks"/>), and a failure is thrown as a
/// <see cref="ProtocolException"/> that the API group answers as problem details.
/// </summary>
internal static class ChatApi
{
    public static void MapChatApi(this RouteGroupBuilder api)
    {
        const int BadRequest = StatusCodes.Status400BadRequest, Forbidden = StatusCodes.Status403Forbidden, NotFound = StatusCodes.Status404NotFound,
            Conflict = StatusCodes.Status409Conflict, TooLarge = StatusCodes.Status413PayloadTooLarge, NotJson = StatusCodes.Status415UnsupportedMediaType,
            RateLimited = StatusCodes.Status429TooManyRequests;

        api.MapGet("/me/chats", ListMyChats);
        api.MapPost("/chats", CreateGroup).Problems(BadRequest, Conflict, TooLarge, NotJson);
        api.MapPost("/chats/direct", OpenDirect).Problems(BadRequest, TooLarge, NotJson);

        var chat = api.MapGroup("/chats/{chatId}").WithMetadata(new ChatRoute()).Problems(Forbidden, NotFound);
        chat.MapGet("", GetChat);
        chat.MapPost("/members", AddMember).Problems(BadRequest, TooLarge, NotJson);
        chat.MapDelete("/members/{userId}", RemoveMember);
        chat.MapGet("/messages", GetMessages).Problems(BadRequest).HistoryQueryParameters();
        chat.MapPost("/messages", PostMessage).Problems(BadRequest, TooLarge, NotJson, RateLimited);
        api.MapSettingsApi(chat);
        api.MapActionsApi(chat);
        api.MapSearchApi();
        api.MapJobsApi();

        api.MapPost("/devices", RegisterDevice).Problems(BadRequest, Conflict, TooLarge, NotJson);
        api.MapDelete("/devices/{deviceId}", RemoveDevice).Problems(NotFound);
    }

    private static async Task<Ok<ChatListDto>> ListMyChats(HttpContext context, IGrainFactory grains)
    {
        var chats = await grains.GetGrain<IChatListGrain>(0).List(context.UserId());
        return TypedResults.Ok(new ChatListDto([.. chats.Select(ChatDto.From)]));
    }

    private static async Task<Created<ChatDto>> CreateGroup(CreateChatRequest request, HttpContext context, IGrainFactory grains, TimeProvider time)
    {
        var chatId = Identifiers.NewGroupChatId(time);
        var chat = await grains.GetGrain<IChatRoomGrain>(chatId).CreateGroup(context.UserId(), request.Title, request.Members ?? []);
        return TypedResults.Created(ChatLocation(chatId), ChatDto.From(chat));
    }

    private static async Task<Results<Created<ChatDto>, Ok<ChatDto>>> OpenDirect(DirectChatRequest request, HttpContext context, IGrainFactory grains)
    {
        var userId = context.UserId();
        if (request.UserId == userId)
        {
            throw JsonBody.Bad("A direct chat needs another user.");
        }

        var chatId = Identifiers.DirectChatId(userId, request.UserId);
        var direct = await grains.GetGrain<IChatRoomGrain>(chatId).OpenDirect(userId, request.UserId);
        var location = ChatLocation(chatId);
        if (direct.Created)
        {
            return TypedResults.Created(location, ChatDto.From(direct.Chat));
        }

        // An existing chat is still named, so that a client finds it the same way whether it made it or not.
        context.Response.Headers.Location = location;
        return TypedResults.Ok(ChatDto.From(direct.Chat));
    }

    private static async Task<Ok<ChatDto>> GetChat(string chatId, HttpContext context, IGrainFactory grains) =>
        TypedResults.Ok(ChatDto.From(await grains.GetGrain<IChatRoomGrain>(chatId).GetDetails(context.UserId())));

    private static async Task<Ok<ChatDto>> AddMember(string chatId, AddMemberRequest request, HttpContext context, IGrainFactory grains) =>
        TypedResults.Ok(ChatDto.From(await grains.GetGrain<IChatRoomGrain>(chatId).AddMember(context.UserId(), request.UserId)));

    private static async Task<NoContent> RemoveMember(string chatId, string userId, HttpContext context, IGrainFactory grains)
    {
        if (!Identifiers.IsValidUserId(userId))
        {
            throw new ProtocolException(ProtocolError.NotFound($"'{userId}' is not a member of this chat."));
        }

        await grains.GetGrain<IChatRoomGrain>(chatId).RemoveMember(context.UserId(), userId);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<MessagePageDto>> GetMessages(string chatId, HttpContext context, IGrainFactory grains)
    {
        var query = context.Request.Query;
        var limit = QueryNumber(query["limit"], "limit") ?? ProtocolLimits.DefaultHistoryPageSize;
        if (limit is < 1 or > ProtocolLimits.MaxPageSize)
        {
            throw JsonBody.Bad($"limit must be 1 to {ProtocolLimits.MaxPageSize}.");
        }

        var page = await grains.GetGrain<IChatRoomGrain>(chatId).GetHistory(
            context.UserId(),
            new HistoryQuery(QueryNumber(query["afterSeq"], "afterSeq"), QueryNumber(query["beforeSeq"], "beforeSeq"), (int)limit));
        return TypedResults.Ok(MessagePageDto.From(page));
    }

    private static async Task<Created<SendResultDto>> PostMessage(
        string chatId, SendMessageRequest request, HttpContext context, IGrainFactory grains, SendRateLimiter rateLimiter, GatewayMetrics metrics, TimeProvider time)
    {
        var userId = context.UserId();
        var result = await SendAsync(chatId, request.ToCommand(userId), grains, rateLimiter, metrics, time);
        return TypedResults.Created((string?)null, SendResultDto.From(result));
    }

    /// <summary>A send over REST (a message post, a job post): the sender's rate limit, the room's answer, the ack time.</summary>
    internal static async Task<SendResult> SendAsync(
        string chatId, SendCommand command, IGrainFactory grains, SendRateLimiter rateLimiter, GatewayMetrics metrics, TimeProvider time)
    {
        if (!rateLimiter.TryAcquire(command.SenderId, out var retryAfter))
        {
            throw new ProtocolException(ProtocolError.RateLimited(retryAfter));
        }

        var started = time.GetTimestamp();
        var result = await grains.GetGrain<IChatRoomGrain>(chatId).Send(command);
        metrics.Acked(time.GetElapsedTime(started));
        return result;
    }

    private static async Task<Results<Created<DeviceDto>, Ok<DeviceDto>>> RegisterDevice(RegisterDeviceRequest request, HttpContext context, IGrainFactory grains)
    {
        var registration = await grains.GetGrain<IUserGrain>(context.UserId()).RegisterDevice(request.ToDevicePlatform(), request.Token);
        var device = new DeviceDto(registration.DeviceId);
        return registration.Created ? TypedResults.Created((string?)null, device) : TypedResults.Ok(device);
    }

    private static async Task<NoContent> RemoveDevice(string deviceId, HttpContext context, IGrainFactory grains) =>
        await grains.GetGrain<IUserGrain>(context.UserId()).RemoveDevice(deviceId)
            ? TypedResults.NoContent()
            : throw new ProtocolException(ProtocolError.NotFound("No such device."));

    private static string ChatLocation(string chatId) => $"{GatewayEndpoints.ApiPath}/chats/{chatId}";

    private static long? QueryNumber(StringValues value, string name)
    {
        if (value.Count == 0)
        {
            return null;
        }

        return value.Count == 1 && long.TryParse(value[0], NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw JsonBody.Bad($"'{name}' must be a non-negative integer.");
    }
}
