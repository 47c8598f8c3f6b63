using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using OrleansChat.Gateway.Protocol;

namespace OrleansChat.Gateway.Connections;

/// <summary>
/// <c>GET /ws</c>, the WebSocket framing of a session (<see cref="ChatSessions"/>): upgrades an authenticated request,
/// then reads frames until the client or the server closes.
/// </summary>
internal sealed class WebSocketEndpoint(ChatSessions sessions, ConnectionFactory connections, IOptions<GatewayOptions> options)
{
    private readonly GatewayOptions _options = options.Value;

    public async Task RunAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await Problems.WriteAsync(context, ProtocolError.BadRequest("GET /ws is a WebSocket endpoint: send an upgrade request."));
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            KeepAliveInterval = _options.HeartbeatInterval,
            KeepAliveTimeout = _options.HeartbeatInterval * 2,
        });

        // The stand-in upgrade (CoalescingUpgrade, installed before UseWebSockets) made the stream the socket writes to.
        var transport = new WebSocketTransport(socket, context.Features.Get<CoalescingUpgrade>()?.Stream);
        await sessions.RunAsync(context, transport, connection => ReceiveAsync(transport, connection, connections.HandlerFor(connection)));
    }

    private static async Task ReceiveAsync(WebSocketTransport transport, ChatConnection connection, ClientFrameHandler handler)
    {
        while (true)
        {
            ReceivedFrame frame;
            try
            {
                frame = await transport.ReceiveAsync(ProtocolLimits.MaxFrameBytes, connection.Aborted);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                return;
            }

            using (frame)
            {
                if (frame.Type == WebSocketMessageType.Close)
                {
                    return;
                }

                if (frame.TooLarge)
                {
                    await CloseTooLargeAsync(connection);
                    return;
                }

                if (connection.IsClosing)
                {
                    // Draining until the client answers our close.
                    continue;
                }

                await handler.HandleAsync(frame.Payload, isText: frame.Type == WebSocketMessageType.Text);
            }
        }
    }

    /// <summary>
    /// PROTOCOL.md 3.4: the error, then 1009, and the rest of the message is never read. The client cannot answer the
    /// close before its message ends, which may be never, so nothing more is read: once the close frame is written
    /// (or the close timeout passes) the request ends and the host closes the connection. Aborting instead would drop
    /// the error and the close frame still on their way out.
    /// </summary>
    private static async Task CloseTooLargeAsync(ChatConnection connection)
    {
        if (!connection.IsClosing)
        {
            connection.Enqueue(Frames.Error("too_large", $"A frame is at most {ProtocolLimits.MaxFrameBytes} bytes.", null));
            connection.Close(CloseCode.TooLarge, "frame too large");
        }

        await connection.WriterCompletion;
    }
}
