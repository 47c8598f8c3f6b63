using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansChat.Gateway.Auth;
using OrleansChat.Gateway.Protocol;

namespace OrleansChat.Gateway.Connections;

/// <summary>
/// <c>GET /ws</c>: upgrades an authenticated request, opens the session, subscribes the connection to the
/// user's chats, then sends <c>welcome</c> and reads frames until the client or the server closes.
/// </summary>
internal sealed partial class WebSocketEndpoint(
    ConnectionFactory connections,
    ConnectionRegistry registry,
    GatewayReference gateway,
    IGrainFactory grains,
    GatewayMetrics metrics,
    IOptions<GatewayOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<WebSocketEndpoint> logger)
{
    private readonly GatewayOptions _options = options.Value;

    public async Task RunAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await Problems.WriteAsync(context, ProtocolError.BadRequest("GET /ws is a WebSocket endpoint: send an upgrade request."));
            return;
        }

        var userId = context.UserId();
        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            KeepAliveInterval = _options.HeartbeatInterval,
            KeepAliveTimeout = _options.HeartbeatInterval * 2,
        });

        var sessionId = Guid.CreateVersion7(time.GetUtcNow()).ToString("N");
        var transport = new WebSocketTransport(socket);
        using var connection = connections.Create(transport, userId, sessionId);

        // Queued before anything else can be, and written only once the connection receives its chats.
        connection.Enqueue(Frames.Welcome(sessionId, userId, _options.HeartbeatSeconds, time.GetUtcNow()));
        metrics.ConnectionOpened();
        var session = grains.GetGrain<ISessionGrain>(sessionId);
        try
        {
            if (await OpenAsync(connection, session))
            {
                connection.StartWriter();
                using var expiry = ExpireWithToken(connection, context.TokenExpiresAt());
                using var shutdown = lifetime.ApplicationStopping.Register(() => connection.Close(CloseCode.ShuttingDown, "server shutting down"));
                await ReceiveAsync(transport, connection, connections.HandlerFor(connection));
            }
        }
        finally
        {
            registry.Detach(connection);
            connection.Close(CloseCode.Normal, "");
            await connection.WriterCompletion;
            metrics.ConnectionClosed();
            await EndSessionAsync(session);
        }
    }

    private async Task<bool> OpenAsync(ChatConnection connection, ISessionGrain session)
    {
        try
        {
            var chats = await session.Open(gateway.SessionOf(connection));
            await registry.AttachAsync(connection, chats);
            return true;
        }
        catch (Exception ex)
        {
            var error = ProtocolErrors.From(ex, logger);
            if (error.TraceId is null)
            {
                LogOpenFailed(ex, connection.UserId);
            }

            connection.Enqueue(Frames.Error(error with { Message = "The session could not be opened: " + error.Message }, null));
            connection.Close(CloseCode.ServerError, "session could not be opened");
            connection.StartWriter();
            return false;
        }
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

    /// <summary>When the token expires, the client is told and the socket closes with 1008.</summary>
    private ITimer? ExpireWithToken(ChatConnection connection, DateTimeOffset? expiresAt)
    {
        if (expiresAt is not { } at)
        {
            return null;
        }

        return time.CreateTimer(
            static state =>
            {
                var c = (ChatConnection)state!;
                c.Enqueue(Frames.Error("unauthorized", "The token expired; connect again with a new one.", null));
                c.Close(CloseCode.PolicyViolation, "token expired");
            },
            connection,
            at - time.GetUtcNow() is var due && due > TimeSpan.Zero ? due : TimeSpan.Zero,
            Timeout.InfiniteTimeSpan);
    }

    private async Task EndSessionAsync(ISessionGrain session)
    {
        try
        {
            await session.Close();
        }
        catch (Exception ex)
        {
            // The session expires by itself after two missed heartbeats.
            LogCloseFailed(ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Opening a session for {UserId} failed")]
    private partial void LogOpenFailed(Exception exception, string userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closing a session failed; it will expire")]
    private partial void LogCloseFailed(Exception exception);
}
