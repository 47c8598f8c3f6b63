using Microsoft.Extensions.Time.Testing;
using OrleansChat.Gateway.Connections;
using static OrleansChat.ProtocolTests.Gateway.TestConnections;

namespace OrleansChat.ProtocolTests.Gateway;

/// <summary>The seq order of live messages on one gateway: the room's reorder hold and the connection's sync hold.</summary>
public sealed class MessageOrderTests
{
    [Fact]
    public async Task A_live_message_at_or_below_the_last_seq_sent_is_dropped()
    {
        var (connection, transport) = Open();
        foreach (var seq in new[] { 1, 2, 2, 1, 3 })
        {
            connection.Messages.Deliver("chat", seq, Frame($"chat:{seq}"));
        }

        Assert.Equal(["chat:1", "chat:2", "chat:3"], await connection.WrittenAsync(transport));
    }

    [Fact]
    public async Task Live_messages_during_a_sync_of_their_chat_follow_the_synced_ones_without_repeats()
    {
        var (connection, transport) = Open();
        connection.Messages.Deliver("chat", 1, Frame("chat:1"));

        connection.Messages.BeginSync("chat");
        connection.Messages.Deliver("chat", 4, Frame("live:4"));
        connection.Messages.Deliver("chat", 3, Frame("live:3"));
        connection.Messages.Deliver("other", 7, Frame("other:7"));
        connection.Messages.EndSync("chat", [(2, Frame("synced:2")), (3, Frame("synced:3"))]);

        Assert.Equal(["chat:1", "other:7", "synced:2", "synced:3", "live:4"], await connection.WrittenAsync(transport));
    }

    [Fact]
    public async Task A_message_ahead_of_a_missing_seq_waits_for_it_until_the_reorder_wait_has_passed()
    {
        var clock = new FakeTimeProvider();
        var wait = TimeSpan.FromMilliseconds(500);
        var room = new LocalRoom("chat", clock, wait);
        var (connection, transport) = Open();
        room.Add(connection);

        lock (room.Gate)
        {
            room.Deliver(1, Frame("chat:1"));
            room.Deliver(3, Frame("chat:3"));
            room.Deliver(2, Frame("chat:2"));
            room.Deliver(5, Frame("chat:5"));
        }

        clock.Advance(wait);

        // Seq 4 never came in time: 5 went out without it, and 4 arriving late is not sent after 5.
        lock (room.Gate)
        {
            room.Deliver(4, Frame("chat:4"));
        }

        Assert.Equal(["chat:1", "chat:2", "chat:3", "chat:5"], await connection.WrittenAsync(transport));
    }
}
