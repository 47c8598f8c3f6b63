using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;

namespace OrleansChat.Peers.WebSocket;

/// <summary>Chats as broadcast groups of connections; each chat assigns its seq and enqueues one frame to every member under its lock.</summary>
public sealed class Broadcaster
{
    private readonly ConcurrentDictionary<string, Group> _groups = new();
    private long _sessions;

    public async Task AcceptAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var userId = context.Request.Query["user"].ToString();
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var connection = new Connection(socket);
        var writer = connection.WriteAsync();
        connection.Enqueue(Frame(w =>
        {
            w.WriteString("type", "welcome");
            w.WriteString("sessionId", Interlocked.Increment(ref _sessions).ToString(System.Globalization.CultureInfo.InvariantCulture));
            w.WriteString("userId", userId);
            w.WriteNumber("heartbeatSeconds", 25);
        }));
        var joined = new List<Group>();
        var buffer = new ArrayBufferWriter<byte>(4096);
        try
        {
            while (true)
            {
                buffer.ResetWrittenCount();
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer.GetMemory(4096), context.RequestAborted);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }

                    buffer.Advance(result.Count);
                }
                while (!result.EndOfMessage);

                Handle(connection, userId, buffer.WrittenSpan, joined);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }
        finally
        {
            foreach (var group in joined)
            {
                lock (group)
                {
                    group.Members.Remove(connection);
                }
            }

            connection.Complete();
            await writer;
        }
    }

    private void Handle(Connection connection, string userId, ReadOnlySpan<byte> frame, List<Group> joined)
    {
        string? type = null, reference = null, chatId = null, clientMsgId = null, content = null;
        var reader = new Utf8JsonReader(frame);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "type": type = reader.GetString(); break;
                case "ref": reference = reader.GetString(); break;
                case "chatId": chatId = reader.GetString(); break;
                case "clientMsgId": clientMsgId = reader.GetString(); break;
                case "content": content = reader.GetString(); break;
                default: reader.Skip(); break;
            }
        }

        switch (type)
        {
            case "join" when chatId is not null:
                var group = _groups.GetOrAdd(chatId, static _ => new Group());
                lock (group)
                {
                    group.Members.Add(connection);
                }

                joined.Add(group);
                connection.Enqueue(Frame(w =>
                {
                    w.WriteString("type", "joined");
                    w.WriteString("ref", reference);
                    w.WriteString("chatId", chatId);
                }));
                break;
            case "send" when chatId is not null && content is not null:
                var target = _groups.GetOrAdd(chatId, static _ => new Group());
                long seq;
                var messageId = Guid.CreateVersion7().ToString();
                lock (target)
                {
                    seq = ++target.LastSeq;
                    var message = Frame(w =>
                    {
                        w.WriteString("type", "message");
                        w.WriteString("chatId", chatId);
                        w.WriteNumber("seq", seq);
                        w.WriteString("messageId", messageId);
                        w.WriteString("senderId", userId);
                        w.WriteString("content", content);
                        w.WriteString("clientMsgId", clientMsgId);
                    });
                    foreach (var member in target.Members)
                    {
                        member.Enqueue(message);
                    }
                }

                connection.Enqueue(Frame(w =>
                {
                    w.WriteString("type", "ack");
                    w.WriteString("ref", reference);
                    w.WriteString("chatId", chatId);
                    w.WriteString("clientMsgId", clientMsgId);
                    w.WriteString("messageId", messageId);
                    w.WriteNumber("seq", seq);
                }));
                break;
            case "ping":
                connection.Enqueue(Frame(w =>
                {
                    w.WriteString("type", "pong");
                    w.WriteString("ref", reference);
                }));
                break;
            default:
                connection.Enqueue(Frame(w =>
                {
                    w.WriteString("type", "error");
                    w.WriteString("ref", reference);
                    w.WriteString("code", "bad_request");
                    w.WriteString("message", "unknown frame");
                }));
                break;
        }
    }

    private static byte[] Frame(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private sealed class Group
    {
        public long LastSeq { get; set; }

        public HashSet<Connection> Members { get; } = [];
    }

    private sealed class Connection(System.Net.WebSockets.WebSocket socket)
    {
        private readonly Channel<byte[]> _outgoing = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });

        public void Enqueue(byte[] frame) => _outgoing.Writer.TryWrite(frame);

        public void Complete() => _outgoing.Writer.TryComplete();

        public async Task WriteAsync()
        {
            try
            {
                await foreach (var frame in _outgoing.Reader.ReadAllAsync())
                {
                    await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
                }
            }
            catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException)
            {
            }
        }
    }
}
