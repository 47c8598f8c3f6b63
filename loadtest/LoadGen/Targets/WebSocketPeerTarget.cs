namespace OrleansChat.LoadGen.Targets;

/// <summary>
/// The bare Kestrel WebSocket broadcaster (loadtest/peers/WebSocketPeer): the same frames, no auth, no storage;
/// a chat is a broadcast group that connections <c>join</c>.
/// </summary>
public sealed class WebSocketPeerTarget(Uri baseAddress, SourceAddresses sources, int? serverPid) : ITarget
{
    private readonly ServerMemory _memory = new(serverPid, null);
    private long _nextChat;

    public string Name => "websocket";

    public Task<string> CreateGroupAsync(string owner, IReadOnlyList<string> members, CancellationToken cancellationToken) =>
        Task.FromResult($"g:{owner}:{Interlocked.Increment(ref _nextChat)}");

    public Task<string> CreateDirectAsync(string userA, string userB, CancellationToken cancellationToken) =>
        Task.FromResult($"d:{userA}:{userB}");

    public async Task<IChatClient> ConnectAsync(string userId, IReadOnlyList<string> chats, Action<ReceivedMessage> onMessage, CancellationToken cancellationToken)
    {
        var uri = new UriBuilder(baseAddress) { Scheme = "ws", Path = "/ws", Query = $"user={Uri.EscapeDataString(userId)}" }.Uri;
        var socket = await ProtocolClient.ConnectAsync(uri, null, sources.Next(), onMessage, cancellationToken);
        foreach (var chat in chats)
        {
            await socket.JoinAsync(chat, cancellationToken);
        }

        return socket;
    }

    public Task<long?> ServerMemoryAsync(CancellationToken cancellationToken) => _memory.ReadAsync(cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
