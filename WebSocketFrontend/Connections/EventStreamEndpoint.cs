using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using OrleansChat.Gateway.Protocol;

namespace OrleansChat.Gateway.Connections;

/// <summary>
/// <c>GET /api/v1/events</c>, the server-sent-events framing of a session (<see cref="ChatSessions"/>, PROTOCOL.md 10):
/// the same session a WebSocket opens, written as events, with a comment line every heartbeat. Its client acts over
/// REST; the session lasts until the client goes away, a write fails, or the server closes it.
/// </summary>
internal sealed class EventStreamEndpoint(ChatSessions sessions, IOptions<GatewayOptions> options, TimeProvider time)
{
    public const string MediaType = "text/event-stream";

    private readonly TimeSpan _heartbeat = options.Value.HeartbeatInterval;

    public async Task RunAsync(HttpContext context)
    {
        if (!AcceptsEventStream(context.Request))
        {
            // 400 rather than 406: PROTOCOL.md 4's answers are the statuses it lists, and this is a malformed request for this route.
            await Problems.WriteAsync(context, ProtocolError.BadRequest($"GET /api/v1/events is an event stream: send Accept: {MediaType}."));
            return;
        }

        var response = context.Response;
        response.ContentType = MediaType;
        response.Headers.CacheControl = "no-cache";

        // Each event must leave at once: no response buffering or compression here, nor in a proxy that honours this.
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        await sessions.RunAsync(context, new EventStreamTransport(context), connection => StreamAsync(context, connection));
    }

    private async Task StreamAsync(HttpContext context, ChatConnection connection)
    {
        using var heartbeat = time.CreateTimer(
            static state => ((ChatConnection)state!).Enqueue(EventStreamTransport.Heartbeat), connection, _heartbeat, _heartbeat);

        // The client cannot send anything: the session lasts until it goes away or the writer stops (a failed write, a close).
        using var gone = context.RequestAborted.Register(static state => ((ChatConnection)state!).Close(CloseCode.Normal, "client went away"), connection);
        await connection.WriterCompletion;
    }

    private static bool AcceptsEventStream(HttpRequest request)
    {
        var accept = request.GetTypedHeaders().Accept;
        return accept.Any(a => a.MediaType.Equals(MediaType, StringComparison.OrdinalIgnoreCase));
    }
}
