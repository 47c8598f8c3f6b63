using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Streams;
using OrleansChat.Gateway.Connections;
using OrleansChat.Grains.Assistant;

namespace OrleansChat.ProtocolTests;

/// <summary>
/// A gateway's subscription to a chat's chunk stream lives with the chat's room lease: one per chat however often it
/// is renewed, none once released, and made again at the next renewal when the stream's pub-sub lost it.
/// </summary>
[Collection(SharedServer.Name)]
public sealed class ChunkSubscriptionTests(ChatServerFixture fixture)
{
    private ChatServer Server => fixture.Server;

    [Fact]
    public async Task Renewing_a_chats_chunk_subscription_keeps_exactly_one_and_releasing_it_leaves_none()
    {
        var subscriptions = Server.Services.GetRequiredService<ChunkSubscriptions>();
        var chatId = "c" + Guid.NewGuid().ToString("N");
        var stream = Stream(chatId);

        await subscriptions.EnsureAsync(chatId, (_, _) => Task.CompletedTask);
        await subscriptions.EnsureAsync(chatId, (_, _) => Task.CompletedTask);
        var whileHeld = await stream.GetAllSubscriptionHandles();
        await subscriptions.ReleaseAsync(chatId);

        Assert.Single(whileHeld);
        Assert.Empty(await stream.GetAllSubscriptionHandles());
    }

    [Fact]
    public async Task A_subscription_the_pub_sub_lost_is_made_again_at_the_next_renewal()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        await using var bobSocket = await bob.ConnectAsync();
        var stream = Stream(chatId);
        foreach (var handle in await stream.GetAllSubscriptionHandles())
        {
            await handle.UnsubscribeAsync();
        }

        await Server.Services.GetRequiredService<RoomSubscriptions>().RenewAsync(new ParallelOptions());
        await Server.Services.GetRequiredService<IChunkPublisher>().PublishAsync([new AssistantChunk(chatId, "j1", 1, 0, "back")]);

        var chunk = await bobSocket.ReceiveAsync("chunk", chatId);
        Assert.Equal("back", chunk.Text("delta"));
        Assert.Single(await stream.GetAllSubscriptionHandles());
    }

    private IAsyncStream<AssistantChunk> Stream(string chatId) =>
        Server.Services.GetRequiredKeyedService<IStreamProvider>(AssistantStreams.ProviderName)
            .GetStream<AssistantChunk>(StreamId.Create(AssistantStreams.Namespace, chatId));
}
