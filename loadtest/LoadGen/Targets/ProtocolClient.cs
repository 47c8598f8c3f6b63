using OrleansChat.Client;

namespace OrleansChat.LoadGen.Targets;

/// <summary>
/// One load user over the client library's <see cref="ChatConnection"/>. The frame handler runs on the connection's
/// receive loop, where latency is measured: it decodes a <c>message</c>'s chat id, content and sender and nothing else
/// (its kind is one of the library's constants).
/// The bare WebSocket peer speaks the same frames, plus <c>join</c>/<c>joined</c>.
/// </summary>
public sealed class ProtocolClient : IChatClient
{
    private readonly ChatConnection _connection;

    private ProtocolClient(ChatConnection connection) => _connection = connection;

    public bool IsOpen => _connection.IsOpen;

    public static async Task<ProtocolClient> ConnectAsync(
        Uri uri, string? bearerToken, HttpMessageInvoker invoker, Action<ReceivedMessage> onMessage, CancellationToken cancellationToken)
    {
        // No WebSocket-level pings: the connections scenario sends the protocol's own heartbeats.
        var options = new ChatConnectionOptions { AccessToken = bearerToken, Invoker = invoker, KeepAliveInterval = TimeSpan.Zero };
        var connection = await ChatConnection.ConnectAsync(uri, options, (in ServerFrame frame) =>
        {
            if (frame.Type == FrameType.Message)
            {
                onMessage(new(frame.ChatId ?? "", frame.Seq, frame.Content ?? "", frame.Kind ?? MessageKinds.Text, frame.SenderId ?? ""));
            }
            else if (frame.Type == FrameType.Error && frame.Ref is null)
            {
                Console.Error.WriteLine($"server error without a pending request: {frame.Code} {frame.Message}");
            }

            return ValueTask.CompletedTask;
        }, cancellationToken);
        return new ProtocolClient(connection);
    }

    public async Task<long> SendAsync(string chatId, string clientMsgId, string content, CancellationToken cancellationToken)
    {
        try
        {
            return (await _connection.SendAsync(chatId, clientMsgId, content, cancellationToken)).Seq;
        }
        catch (ChatErrorException e)
        {
            throw new TargetException($"send to {chatId} answered error {e.Message}");
        }
    }

    public async Task<long> SendAsync(string chatId, string clientMsgId, OutgoingMessage message, CancellationToken cancellationToken)
    {
        try
        {
            return (await _connection.SendAsync(chatId, clientMsgId, message, cancellationToken)).Seq;
        }
        catch (ChatErrorException e)
        {
            throw new TargetException($"{message.Kind} to {chatId} answered error {e.Message}");
        }
    }

    public Task PingAsync(CancellationToken cancellationToken) => _connection.PingAsync(cancellationToken);

    /// <summary>The bare peer's membership: join a chat's broadcast group.</summary>
    public async Task JoinAsync(string chatId, CancellationToken cancellationToken)
    {
        var reply = await _connection.RequestAsync("join", chatId, static (writer, chat) => writer.WriteString("chatId"u8, chat), cancellationToken);
        if (reply != "joined")
        {
            throw new TargetException($"join {chatId} answered {reply}");
        }
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
