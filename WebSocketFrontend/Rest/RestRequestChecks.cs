using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansChat.Gateway.Protocol;

namespace OrleansChat.Gateway.Rest;

/// <summary>
/// What the REST edge checks before the framework binds a request: the chat id of a chat route, then a JSON body
/// (media type, size, syntax, an object, Unicode text, then field by field). PROTOCOL.md's answers name the first rule
/// a request breaks in that order, and the framework reads a body before any endpoint filter runs, so this is a
/// middleware between authorization and the endpoint, switched on by the endpoint's metadata.
/// </summary>
internal static class RestRequestChecks
{
    public const string ChatIdRouteValue = "chatId";

    public static async Task CheckAsync(HttpContext context, RequestDelegate next)
    {
        var metadata = context.GetEndpoint()?.Metadata;
        var chatRoute = metadata?.GetMetadata<ChatRoute>();
        var bodyCheck = metadata?.GetMetadata<JsonBodyCheck>();
        if (chatRoute is null && bodyCheck is null)
        {
            await next(context);
            return;
        }

        try
        {
            if (chatRoute is not null)
            {
                ChatRoute.Check(context.GetRouteValue(ChatIdRouteValue) as string ?? "");
            }

            if (bodyCheck is not null)
            {
                await CheckBodyAsync(context, bodyCheck);
            }
        }
        catch (ProtocolException e)
        {
            await Problems.WriteAsync(context, e.Error);
            return;
        }

        await next(context);
    }

    private static async Task CheckBodyAsync(HttpContext context, JsonBodyCheck check)
    {
        var request = context.Request;
        var maxBytes = context.RequestServices.GetRequiredService<IOptions<GatewayOptions>>().Value.MaxRequestBodyBytes;
        using var body = await JsonBody.ReadAsync(request, maxBytes);
        check.Run(body);

        var replay = body.Replay();
        context.Response.RegisterForDispose(replay);
        request.Body = replay;

        // The checks read the bytes as UTF-8 whatever charset the request named, as JSON is (RFC 8259 8.1); the binding
        // must read the same text, not transcode it or refuse a charset it does not know.
        request.ContentType = "application/json";
    }
}

/// <summary>Group metadata: the route's <c>{chatId}</c> names a chat; an id that breaks the identity rules names none (404).</summary>
internal sealed class ChatRoute
{
    public static void Check(string chatId)
    {
        if (!Identifiers.IsValidChatId(chatId))
        {
            throw new ProtocolException(ProtocolError.NotFound($"No chat '{chatId}'."));
        }
    }
}
