using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrleansChat.Grains.Assistant;

namespace OrleansChat.ProtocolTests;

/// <summary>
/// PROTOCOL.md 3.3 and 9: the chunks a job publishes reach its chat's members' connections as <c>chunk</c> frames, over
/// WebSocket and the event stream alike, and no one else's. The silo's own <see cref="IChunkPublisher"/> publishes them,
/// as the job grain does.
/// </summary>
[Collection(SharedServer.Name)]
public sealed class ChunkStreamTests(ChatServerFixture fixture)
{
    private ChatServer Server => fixture.Server;

    private IChunkPublisher Publisher => Server.Services.GetRequiredService<IChunkPublisher>();

    [Fact]
    public async Task Published_chunks_reach_every_members_socket_as_exact_chunk_frames_in_publish_order()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        await using var aliceSocket = await alice.ConnectAsync();
        await using var bobSocket = await bob.ConnectAsync();
        var chunks = Chunks(chatId, "j1", attempt: 1, "Hel", "lo \"there\"", " ✓", "\n");

        await PublishAsync(chunks);

        foreach (var socket in new[] { aliceSocket, bobSocket })
        {
            var frames = await ReceiveChunksAsync(socket, chatId, chunks.Length);
            Assert.Equal(chunks.Select(Expected), frames);
            Assert.Equal($$"""{"type":"chunk","chatId":"{{chatId}}","jobId":"j1","attempt":1,"index":1,"delta":"lo \"there\""}""", frames[1]);
        }
    }

    [Fact]
    public async Task Chunks_arrive_as_events_named_chunk_holding_the_exact_json_a_websocket_gets()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        await using var bobEvents = await EventSource.OpenAsync(Server, bob.Token);
        var chunks = Chunks(chatId, "j2", attempt: 2, "one", "two", "three");

        await PublishAsync(chunks);

        var received = new List<string?>();
        for (var i = 0; i < chunks.Length; i++)
        {
            var item = await bobEvents.ReceiveUntilAsync(e => e.Event == "chunk");
            received.Add(item.Data);
        }

        Assert.Equal(chunks.Select(Expected), received);
    }

    [Fact]
    public async Task Chunks_are_passed_on_in_the_order_they_come_even_when_their_indexes_are_not()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        await using var bobSocket = await bob.ConnectAsync();
        AssistantChunk[] chunks = [new(chatId, "j3", 1, 1, "b"), new(chatId, "j3", 1, 0, "a"), new(chatId, "j3", 1, 2, "c")];

        await PublishAsync(chunks);

        Assert.Equal(chunks.Select(Expected), await ReceiveChunksAsync(bobSocket, chatId, chunks.Length));
    }

    [Fact]
    public async Task A_user_who_is_not_a_member_gets_no_chunk_of_the_chat()
    {
        var (alice, bob, mallory) = (Server.NewUser("alice"), Server.NewUser("bob"), Server.NewUser("mallory"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        await alice.CreateGroupIdAsync(mallory);
        await using var bobSocket = await bob.ConnectAsync();
        await using var mallorySocket = await mallory.ConnectAsync();
        var chunks = Chunks(chatId, "j4", attempt: 1, "secret", " reply");

        await PublishAsync(chunks);
        await ReceiveChunksAsync(bobSocket, chatId, chunks.Length);

        // The fan-out queues a chunk on every local connection it goes to before bob can read it: had it gone to
        // mallory too, it would be ahead of her pong.
        await mallorySocket.AssertNothingAsync(f => f.Is("chunk"), "chunk of a chat she is not in");
    }

    [Fact]
    public async Task A_member_removed_while_a_reply_streams_gets_none_of_the_later_chunks()
    {
        var (alice, bob, carol) = (Server.NewUser("alice"), Server.NewUser("bob"), Server.NewUser("carol"));
        var chatId = await alice.CreateGroupIdAsync(bob, carol);
        await using var bobSocket = await bob.ConnectAsync();
        await using var carolSocket = await carol.ConnectAsync();
        var before = Chunks(chatId, "j5", attempt: 1, "one", "two");
        await PublishAsync(before);
        Assert.Equal(before.Select(Expected), await ReceiveChunksAsync(bobSocket, chatId, before.Length));

        await alice.RemoveMemberAsync(chatId, bob);
        await bobSocket.ReceiveAsync("chat", chatId, f => f.Text("event") == "member_removed");
        var after = new[] { new AssistantChunk(chatId, "j5", 1, 2, "three"), new AssistantChunk(chatId, "j5", 1, 3, "four") };
        await PublishAsync(after);

        Assert.Equal(before.Concat(after).Select(Expected), await ReceiveChunksAsync(carolSocket, chatId, before.Length + after.Length));
        await bobSocket.AssertNothingAsync(f => f.Is("chunk"), "chunk after removal");
    }

    private static AssistantChunk[] Chunks(string chatId, string jobId, int attempt, params string[] deltas) =>
        [.. deltas.Select((delta, index) => new AssistantChunk(chatId, jobId, attempt, index, delta))];

    /// <summary>The frame, byte for byte: fields in the order PROTOCOL.md 9 writes them.</summary>
    private static string Expected(AssistantChunk c) =>
        $$"""{"type":"chunk","chatId":{{Quote(c.ChatId)}},"jobId":{{Quote(c.JobId)}},"attempt":{{c.Attempt}},"index":{{c.Index}},"delta":{{Quote(c.Delta)}}}""";

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Quote(string text) => JsonSerializer.Serialize(text, Relaxed);

    /// <summary>The first chunk alone, the rest as one batch, as a job publishes them: subscribers see chunk by chunk either way.</summary>
    private async Task PublishAsync(AssistantChunk[] chunks)
    {
        await Publisher.PublishAsync([chunks[0]]);
        if (chunks.Length > 1)
        {
            await Publisher.PublishAsync(chunks[1..]);
        }
    }

    private static async Task<List<string>> ReceiveChunksAsync(ChatSocket socket, string chatId, int count)
    {
        var frames = new List<string>();
        for (var i = 0; i < count; i++)
        {
            frames.Add((await socket.ReceiveAsync("chunk", chatId)).GetRawText());
        }

        return frames;
    }
}
