using System.Net.WebSockets;

namespace OrleansChat.Client;

/// <summary>The connection's life: connect, take frames, and after a drop reconnect, resume and send again.</summary>
public sealed partial class ChatClient
{
    private async Task<ChatConnection> ConnectOnceAsync(CancellationToken cancellationToken)
    {
        var options = new ChatConnectionOptions
        {
            AccessToken = await _options.AccessTokenProvider(cancellationToken).ConfigureAwait(false),
            TokenInQuery = _options.TokenInQuery,
            Invoker = _options.Invoker,
            ConnectTimeout = _options.ConnectTimeout,
            RequestTimeout = _options.RequestTimeout,
            TimeProvider = _options.TimeProvider,
        };
        return await ChatConnection.ConnectAsync(_options.WebSocketUri, options, OnFrame, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs on the connection's receive loop: no waiting here, or the connection stops reading.</summary>
    private ValueTask OnFrame(in ServerFrame frame)
    {
        switch (frame.Type)
        {
            case FrameType.Message:
                if (_cursors.Offer(ChatMessage.From(in frame)) is { } gap && _connection is { } connection)
                {
                    _ = SyncAsync(connection, [gap]);
                }

                break;
            case FrameType.Typing or FrameType.Receipt or FrameType.Presence or FrameType.Chat or FrameType.Chunk:
            case FrameType.Error when frame.Ref is null || frame.HasChatId:
                _events.Writer.TryWrite(new ChatEvent(frame.Type, frame.ToJsonElement()));
                break;
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Waits for each connection to end, then reconnects until the client is disposed.</summary>
    private async Task RunAsync(ChatConnection connection)
    {
        while (true)
        {
            await connection.Completion.ConfigureAwait(false);
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            Disconnected?.Invoke(this, connection.Failure);
            await connection.DisposeAsync().ConfigureAwait(false);
            var next = await ReconnectAsync().ConfigureAwait(false);
            if (next is null)
            {
                return;
            }

            connection = next;
        }
    }

    private async Task<ChatConnection?> ReconnectAsync()
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await Task.Delay(_options.ReconnectDelayFor(attempt), _options.TimeProvider, _stopping.Token).ConfigureAwait(false);
                var connection = await ConnectOnceAsync(_stopping.Token).ConfigureAwait(false);
                Resume(connection);
                return connection;
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return null;
            }
            catch (Exception e) when (e is ChatConnectionException or WebSocketException or OperationCanceledException or HttpRequestException or IOException)
            {
                // The server is still away: wait longer and try again.
            }
        }
    }

    /// <summary>
    /// On each connection, the first included: sync every known chat from its last seq (messages that arrive meanwhile wait behind the
    /// gap), watch again whom the application watches, and send again, in their order, the sends not yet acknowledged.
    /// </summary>
    private void Resume(ChatConnection connection)
    {
        // The connection first, then the cursors: a gap seen before this line is in the cursors' snapshot, one seen
        // after it starts its own sync on this connection.
        _connection = connection;
        var cursors = _cursors.BeginResume();
        Connected?.Invoke(this, connection.Welcome);
        if (cursors.Count > 0)
        {
            _ = SyncAsync(connection, cursors);
        }

        string[] watched;
        lock (_watched)
        {
            watched = [.. _watched];
        }

        if (watched.Length > 0)
        {
            _ = connection.WatchPresenceAsync(watched, _stopping.Token).ContinueWith(
                static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }

        foreach (var send in _unacked.Values.OrderBy(s => s.Order))
        {
            _ = TransmitAsync(send);
        }
    }

    private async Task SyncAsync(ChatConnection connection, IReadOnlyList<SyncCursor> cursors)
    {
        var asked = cursors;
        try
        {
            while (asked.Count > 0)
            {
                var synced = await connection.SyncAsync(asked, _options.SyncLimit, _stopping.Token).ConfigureAwait(false);
                asked = _cursors.AfterSync(asked, synced);
            }
        }
        catch (ChatErrorException)
        {
            _cursors.Abandon(asked);
        }
        catch (TimeoutException)
        {
            // A connection that leaves a sync unanswered is broken: replace it, and the next one resumes every chat.
            await connection.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is ChatConnectionException or OperationCanceledException)
        {
            // The next connection resumes every chat from its cursor.
        }
    }
}
