using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansChat.Gateway.Auth;
using OrleansChat.Gateway.Protocol;

namespace OrleansChat.Gateway.Connections;

/// <summary>
/// A client session whatever its framing (DESIGN.md 7a): the <c>welcome</c> queued first, the session grain opened
/// (which counts the device for presence), the connection subscribed to the user's chats and direct peers, its writer
/// started, and a close when the token expires or the server stops. The framing runs its own part while the session is
/// open (a WebSocket reads frames; an event stream waits for its client to go); afterwards the connection is taken out
/// of everything, its queue drained and its session grain closed.
/// </summary>
internal sealed partial class ChatSessions(
    ConnectionFactory connections,
    ConnectionRegistry registry,
    GatewayReference gateway,
    IGrainFactory grains,
    GatewayMetrics metrics,
    IOptions<GatewayOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<ChatSessions> logger)
{
    private readonly GatewayOptions _options = options.Value;

    /// <summary>Runs a session over <paramref name="transport"/>; <paramref name="whileOpen"/> returns when the framing is done with it.</summary>
    public async Task RunAsync(HttpContext context, IFrameTransport transport, Func<ChatConnection, Task> whileOpen)
    {
        var userId = context.UserId();
        var sessionId = Guid.CreateVersion7(time.GetUtcNow()).ToString("N");
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
                await whileOpen(connection);
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

    /// <summary>When the token expires, the client is told and the session closes (1008 on a WebSocket).</summary>
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
