using OrleansChat.Client;

namespace OrleansChat.LoadGen.Targets;

/// <summary>
/// What a scenario needs from a chat server: chats, connected users, sends with acks, and received messages.
/// OrleansChat, the SignalR peer and the bare WebSocket peer each have an adapter, so every scenario has the same shape
/// against each of them.
/// </summary>
public interface ITarget : IAsyncDisposable
{
    /// <summary>orleanschat, signalr or websocket.</summary>
    string Name { get; }

    /// <summary>Creates a group chat owned by <paramref name="owner"/> with these members (owner included).</summary>
    Task<string> CreateGroupAsync(string owner, IReadOnlyList<string> members, CancellationToken cancellationToken);

    /// <summary>The direct chat between two users.</summary>
    Task<string> CreateDirectAsync(string userA, string userB, CancellationToken cancellationToken);

    /// <summary>
    /// Connects a user; <paramref name="onMessage"/> gets each <c>message</c> frame, change events included.
    /// The chats must exist before, so that the connection receives them.
    /// </summary>
    Task<IChatClient> ConnectAsync(string userId, IReadOnlyList<string> chats, Action<ReceivedMessage> onMessage, CancellationToken cancellationToken);

    /// <summary>Connects a user who only receives: as <see cref="ConnectAsync"/>, unless the target has another way for receivers.</summary>
    Task<IChatClient> ConnectReceiverAsync(string userId, IReadOnlyList<string> chats, Action<ReceivedMessage> onMessage, CancellationToken cancellationToken) =>
        ConnectAsync(userId, chats, onMessage, cancellationToken);

    /// <summary>The server process's resident memory in bytes, or null when it cannot be read.</summary>
    Task<long?> ServerMemoryAsync(CancellationToken cancellationToken);
}

/// <summary>One connected user.</summary>
public interface IChatClient : IAsyncDisposable
{
    /// <summary>Sends a message and completes with its seq when the server acks it.</summary>
    Task<long> SendAsync(string chatId, string clientMsgId, string content, CancellationToken cancellationToken);

    /// <summary>Sends a text or a change (PROTOCOL.md 6.1) and completes with its seq when the server acks it.</summary>
    Task<long> SendAsync(string chatId, string clientMsgId, OutgoingMessage message, CancellationToken cancellationToken);

    /// <summary>An application-level heartbeat: a round trip to the server.</summary>
    Task PingAsync(CancellationToken cancellationToken);

    /// <summary>Whether the connection is still open.</summary>
    bool IsOpen { get; }
}

/// <summary>A received <c>message</c> frame: a text, or a change event with its own seq (<paramref name="Kind"/>).</summary>
public readonly record struct ReceivedMessage(string ChatId, long Seq, string Content, string Kind, string SenderId);

/// <summary>The server refused or failed a request.</summary>
public sealed class TargetException(string message) : Exception(message);
