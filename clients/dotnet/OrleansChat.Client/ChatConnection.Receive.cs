using System.Buffers;
using System.Net.WebSockets;

namespace OrleansChat.Client;

/// <summary>
/// The one receive loop: a frame is read whole into a pooled buffer (grown from the pool for a larger one), scanned
/// once, answers the request its ref names, and goes to the handler; the next read waits for the handler.
/// </summary>
public sealed partial class ChatConnection
{
    private async Task ReceiveLoopAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(_options.ReceiveBufferBytes);
        Exception? failure = null;
        try
        {
            while (true)
            {
                var count = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (count == buffer.Length)
                    {
                        buffer = Grow(buffer, count);
                    }

                    result = await _socket.ReceiveAsync(buffer.AsMemory(count), CancellationToken.None).ConfigureAwait(false);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        await AnswerCloseAsync().ConfigureAwait(false);
                        return;
                    }

                    count += result.Count;
                }
                while (!result.EndOfMessage);

                var handled = Dispatch(buffer.AsSpan(0, count));
                if (!handled.IsCompletedSuccessfully)
                {
                    await handled.ConfigureAwait(false);
                }
            }
        }
        catch (Exception e)
        {
            failure = e;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            End(failure);
        }
    }

    private ValueTask Dispatch(ReadOnlySpan<byte> utf8)
    {
        var frame = ServerFrame.Parse(utf8);
        if (!_welcome.Task.IsCompleted)
        {
            var handled = _onFrame?.Invoke(in frame) ?? ValueTask.CompletedTask;
            if (frame.Type == FrameType.Welcome)
            {
                _welcome.TrySetResult(new Welcome(
                    frame.GetString("sessionId"u8) ?? "", frame.UserId ?? "", (int)(frame.GetInt64("heartbeatSeconds"u8) ?? 0), frame.GetString("serverTime"u8) ?? ""));
            }
            else
            {
                _welcome.TrySetException(new ChatConnectionException($"the first frame should be a welcome, got {frame.ToString()}"));
            }

            return handled;
        }

        // A sync answers a chat it may not read with an error of that chat, and goes on with the others to its synced.
        if (frame.Type != FrameType.Message && frame.TryGetNumericRef(out var number) && _pending.TryGetValue(number, out var pending)
            && !(frame.Type == FrameType.Error && frame.HasChatId && ReferenceEquals(pending.Task.AsyncState, SyncType)))
        {
            pending.TrySetResult(Reply.From(in frame));
        }

        return _onFrame is null ? ValueTask.CompletedTask : _onFrame(in frame);
    }

    private byte[] Grow(byte[] buffer, int count)
    {
        if (buffer.Length >= _options.MaxFrameBytes)
        {
            throw new ChatConnectionException($"a server frame is larger than {_options.MaxFrameBytes} bytes");
        }

        var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, _options.MaxFrameBytes));
        buffer.AsSpan(0, count).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        return larger;
    }

    private async Task AnswerCloseAsync()
    {
        CloseStatus = _socket.CloseStatus;
        if (_socket.State == WebSocketState.CloseReceived)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }
    }

    private void End(Exception? failure)
    {
        Failure = CloseStatus is null ? failure ?? new ChatConnectionException("the connection ended without a close frame") : null;
        _ended = true;
        var closed = new ChatConnectionException(
            CloseStatus is { } status ? $"the server closed the connection ({(int)status})" : "the connection was lost", Failure!);
        _welcome.TrySetException(closed);
        foreach (var pending in _pending.Values)
        {
            pending.TrySetException(closed);
        }

        _completion.TrySetResult();
    }
}
