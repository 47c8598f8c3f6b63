using System.Net.WebSockets;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using OrleansChat.Client;

namespace OrleansChat.LoadGen.Targets;

/// <summary>
/// The ASP.NET Core SignalR peer (loadtest/peers/SignalRPeer): hub <c>/chat</c> with <c>Join</c>, <c>Send</c> (returns the
/// ack) and <c>Ping</c>; messages come as <c>message</c> invocations. WebSockets only, no negotiate round trip.
/// </summary>
public sealed class SignalRTarget(Uri baseAddress, SourceAddresses sources, int? serverPid) : ITarget
{
    private readonly ServerMemory _memory = new(serverPid, null);
    private long _nextChat;

    public string Name => "signalr";

    public Task<string> CreateGroupAsync(string owner, IReadOnlyList<string> members, CancellationToken cancellationToken) =>
        Task.FromResult($"g:{owner}:{Interlocked.Increment(ref _nextChat)}");

    public Task<string> CreateDirectAsync(string userA, string userB, CancellationToken cancellationToken) =>
        Task.FromResult($"d:{userA}:{userB}");

    public async Task<IChatClient> ConnectAsync(string userId, IReadOnlyList<string> chats, Action<ReceivedMessage> onMessage, CancellationToken cancellationToken)
    {
        var invoker = sources.Next();
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(baseAddress, $"/chat?user={Uri.EscapeDataString(userId)}"), options =>
            {
                options.SkipNegotiation = true;
                options.Transports = HttpTransportType.WebSockets;
                options.WebSocketFactory = async (context, ct) =>
                {
                    var socket = new ClientWebSocket();
                    await socket.ConnectAsync(context.Uri, invoker, ct);
                    return socket;
                };
            })
            .Build();
        connection.ServerTimeout = TimeSpan.FromSeconds(120);
        connection.On<SignalRMessage>("message", m => onMessage(new(m.ChatId, m.Seq, m.Content, MessageKinds.Text, m.SenderId)));
        await connection.StartAsync(cancellationToken);
        foreach (var chat in chats)
        {
            await connection.InvokeAsync("Join", chat, cancellationToken);
        }

        return new Client(connection);
    }

    public Task<long?> ServerMemoryAsync(CancellationToken cancellationToken) => _memory.ReadAsync(cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private sealed class Client(HubConnection connection) : IChatClient
    {
        public bool IsOpen => connection.State == HubConnectionState.Connected;

        public async Task<long> SendAsync(string chatId, string clientMsgId, string content, CancellationToken cancellationToken)
        {
            var ack = await connection.InvokeAsync<SignalRAck>("Send", chatId, clientMsgId, content, cancellationToken);
            return ack.Seq;
        }

        /// <summary>The peer's hub stores texts only: a change is refused before it leaves (the options refuse a mix anyway).</summary>
        public Task<long> SendAsync(string chatId, string clientMsgId, OutgoingMessage message, CancellationToken cancellationToken) =>
            message.Kind == MessageKinds.Text && message.ReplyTo is null
                ? SendAsync(chatId, clientMsgId, message.Content ?? "", cancellationToken)
                : throw new TargetException("the SignalR peer has no message changes or replies");

        public Task PingAsync(CancellationToken cancellationToken) => connection.InvokeAsync("Ping", cancellationToken);

        public ValueTask DisposeAsync() => connection.DisposeAsync();
    }
}

/// <summary>The peer's <c>message</c> invocation.</summary>
public sealed record SignalRMessage(string ChatId, long Seq, string MessageId, string SenderId, string Content, string ClientMsgId);

/// <summary>The peer's answer to <c>Send</c>.</summary>
public sealed record SignalRAck(string ChatId, string ClientMsgId, string MessageId, long Seq);
