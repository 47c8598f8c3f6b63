using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

namespace OrleansChat.Peers.SignalR;

/// <summary>
/// Join a chat's group, send to it, ping. A send takes the chat's lock, assigns the next seq, keeps the message in
/// memory and sends it to the group before the ack, so members see a chat's messages in seq order.
/// </summary>
public sealed class ChatHub(Rooms rooms) : Hub
{
    private string UserId => Context.GetHttpContext()?.Request.Query["user"].ToString() ?? Context.ConnectionId;

    public Task Join(string chatId) => Groups.AddToGroupAsync(Context.ConnectionId, chatId);

    public async Task<Ack> Send(string chatId, string clientMsgId, string content)
    {
        var room = rooms.Get(chatId);
        await room.Gate.WaitAsync();
        try
        {
            var message = new Message(chatId, room.History.Count + 1, Guid.CreateVersion7().ToString(), UserId, content, clientMsgId);
            room.History.Add(message);
            await Clients.Group(chatId).SendAsync("message", message);
            return new Ack(chatId, clientMsgId, message.MessageId, message.Seq);
        }
        finally
        {
            room.Gate.Release();
        }
    }

    public string Ping() => Context.ConnectionId;
}

public sealed record Message(string ChatId, long Seq, string MessageId, string SenderId, string Content, string ClientMsgId);

public sealed record Ack(string ChatId, string ClientMsgId, string MessageId, long Seq);

/// <summary>Every chat's messages, in memory.</summary>
public sealed class Rooms
{
    private readonly ConcurrentDictionary<string, Room> _rooms = new();

    public Room Get(string chatId) => _rooms.GetOrAdd(chatId, static _ => new Room());

    public sealed class Room
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public List<Message> History { get; } = [];
    }
}
