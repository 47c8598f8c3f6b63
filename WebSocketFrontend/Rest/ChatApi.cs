using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using OrleansChat.Gateway.Auth;
using OrleansChat.Gateway.Protocol;

namespace OrleansChat.Gateway.Rest;

/// <summary>PROTOCOL.md 4: chats, members and messages over REST. Each handler is one grain call and one answer.</summary>
internal static class ChatApi
{
    public static void MapChatApi(this RouteGroupBuilder api)
    {
        api.MapGet("/me/chats", ListMyChats);
        api.MapPost("/chats", CreateGroup);
        api.MapPost("/chats/direct", OpenDirect);
        api.MapGet("/chats/{chatId}", GetChat);
        api.MapPost("/chats/{chatId}/members", AddMember);
        api.MapDelete("/chats/{chatId}/members/{userId}", RemoveMember);
        api.MapGet("/chats/{chatId}/messages", GetMessages);
        api.MapPost("/chats/{chatId}/messages", PostMessage);
        api.MapPost("/devices", RegisterDevice);
        api.MapDelete("/devices/{deviceId}", RemoveDevice);
    }

    private static async Task<IResult> ListMyChats(HttpContext context, IGrainFactory grains)
    {
        var userId = context.UserId();
        var chats = await grains.GetGrain<IUserGrain>(userId).GetChats();
        var summaries = await Task.WhenAll(chats.Select(c => grains.GetGrain<IChatRoomGrain>(c.ChatId).GetSummary(userId)));
        return Json(Frames.ChatList(summaries));
    }

    private static async Task<IResult> CreateGroup(HttpContext context, IGrainFactory grains, IOptions<GatewayOptions> options, TimeProvider time)
    {
        using var body = await JsonBody.ReadAsync(context.Request, options.Value.MaxRequestBodyBytes);
        var title = body.OptionalString("title");
        var members = body.UserIds("members");
        var chatId = Identifiers.NewGroupChatId(time);
        var chat = await grains.GetGrain<IChatRoomGrain>(chatId).CreateGroup(context.UserId(), title, members);
        return Json(Frames.ChatBody(chat), StatusCodes.Status201Created, $"/api/v1/chats/{chatId}");
    }

    private static async Task<IResult> OpenDirect(HttpContext context, IGrainFactory grains, IOptions<GatewayOptions> options)
    {
        using var body = await JsonBody.ReadAsync(context.Request, options.Value.MaxRequestBodyBytes);
        var peerId = body.UserId("userId");
        var userId = context.UserId();
        if (peerId == userId)
        {
            throw JsonBody.Bad("A direct chat needs another user.");
        }

        var chatId = Identifiers.DirectChatId(userId, peerId);
        var direct = await grains.GetGrain<IChatRoomGrain>(chatId).OpenDirect(userId, peerId);
        return Json(Frames.ChatBody(direct.Chat), direct.Created ? StatusCodes.Status201Created : StatusCodes.Status200OK, $"/api/v1/chats/{chatId}");
    }

    private static async Task<IResult> GetChat(HttpContext context, IGrainFactory grains, string chatId) =>
        Json(Frames.ChatBody(await Room(grains, chatId).GetChat(context.UserId())));

    private static async Task<IResult> AddMember(HttpContext context, IGrainFactory grains, IOptions<GatewayOptions> options, string chatId)
    {
        var room = Room(grains, chatId);
        using var body = await JsonBody.ReadAsync(context.Request, options.Value.MaxRequestBodyBytes);
        return Json(Frames.ChatBody(await room.AddMember(context.UserId(), body.UserId("userId"))));
    }

    private static async Task<IResult> RemoveMember(HttpContext context, IGrainFactory grains, string chatId, string userId)
    {
        var room = Room(grains, chatId);
        if (!Identifiers.IsValidUserId(userId))
        {
            throw new ProtocolException(ProtocolError.NotFound($"'{userId}' is not a member of this chat."));
        }

        await room.RemoveMember(context.UserId(), userId);
        return Results.NoContent();
    }

    private static async Task<IResult> GetMessages(HttpContext context, IGrainFactory grains, string chatId)
    {
        var room = Room(grains, chatId);
        var query = context.Request.Query;
        var limit = QueryNumber(query["limit"], "limit") ?? OrleansChat.Protocol.DefaultHistoryPageSize;
        if (limit is < 1 or > OrleansChat.Protocol.MaxPageSize)
        {
            throw JsonBody.Bad($"limit must be 1 to {OrleansChat.Protocol.MaxPageSize}.");
        }

        var page = await room.GetHistory(
            context.UserId(),
            new HistoryQuery(QueryNumber(query["afterSeq"], "afterSeq"), QueryNumber(query["beforeSeq"], "beforeSeq"), (int)limit));
        return Json(Frames.MessageList(page));
    }

    private static async Task<IResult> PostMessage(
        HttpContext context, IGrainFactory grains, IOptions<GatewayOptions> options, SendRateLimiter rateLimiter, GatewayMetrics metrics, TimeProvider time, string chatId)
    {
        var room = Room(grains, chatId);
        using var body = await JsonBody.ReadAsync(context.Request, options.Value.MaxRequestBodyBytes);
        var clientMsgId = body.RequiredString("clientMsgId");
        var content = body.RequiredString("content");
        Validation.CheckSend(clientMsgId, content);
        var userId = context.UserId();
        if (!rateLimiter.TryAcquire(userId, out var retryAfter))
        {
            throw new ProtocolException(ProtocolError.RateLimited(retryAfter));
        }

        var started = time.GetTimestamp();
        var result = await room.Send(new SendCommand(userId, clientMsgId, content));
        metrics.Acked(time.GetElapsedTime(started));
        return Json(Frames.SendResult(result), StatusCodes.Status201Created);
    }

    private static async Task<IResult> RegisterDevice(HttpContext context, IGrainFactory grains, IOptions<GatewayOptions> options)
    {
        using var body = await JsonBody.ReadAsync(context.Request, options.Value.MaxRequestBodyBytes);
        var platform = body.RequiredString("platform") switch
        {
            "fcm" => DevicePlatform.Fcm,
            "apns" => DevicePlatform.Apns,
            "webpush" => DevicePlatform.WebPush,
            _ => throw JsonBody.Bad("platform must be 'fcm', 'apns' or 'webpush'."),
        };
        var token = body.RequiredString("token");
        if (token.Length == 0 || !OrleansChat.Protocol.IsWithinLength(token, Validation.MaxDeviceTokenLength))
        {
            throw JsonBody.Bad($"token must be 1 to {Validation.MaxDeviceTokenLength} characters.");
        }

        var registration = await grains.GetGrain<IUserGrain>(context.UserId()).RegisterDevice(platform, token);
        return Json(Frames.DeviceCreated(registration.DeviceId), registration.Created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }

    private static async Task<IResult> RemoveDevice(HttpContext context, IGrainFactory grains, string deviceId) =>
        await grains.GetGrain<IUserGrain>(context.UserId()).RemoveDevice(deviceId)
            ? Results.NoContent()
            : throw new ProtocolException(ProtocolError.NotFound("No such device."));

    /// <summary>The room of a chat id from a route; an id that breaks the identity rules names no chat.</summary>
    private static IChatRoomGrain Room(IGrainFactory grains, string chatId) => Identifiers.IsValidChatId(chatId)
        ? grains.GetGrain<IChatRoomGrain>(chatId)
        : throw new ProtocolException(ProtocolError.NotFound($"No chat '{chatId}'."));

    private static long? QueryNumber(Microsoft.Extensions.Primitives.StringValues value, string name)
    {
        if (value.Count == 0)
        {
            return null;
        }

        return value.Count == 1 && long.TryParse(value[0], NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw JsonBody.Bad($"'{name}' must be a non-negative integer.");
    }

    private static JsonBytesResult Json(byte[] body, int status = StatusCodes.Status200OK, string? location = null) =>
        new JsonBytesResult(body, status, location);

    private sealed class JsonBytesResult(byte[] body, int status, string? location) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = "application/json; charset=utf-8";
            if (location is not null)
            {
                httpContext.Response.Headers.Location = location;
            }

            await httpContext.Response.Body.WriteAsync(body, httpContext.RequestAborted);
        }
    }
}
