using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Streams;
using OrleansChat.Grains.Assistant;
using OrleansChat.Hosting;
using OrleansChat.TestInfrastructure;

namespace OrleansChat.ClusterTests;

/// <summary>
/// DESIGN.md 7a in a cluster: two silos (each also a gateway) and a standalone gateway, as real processes over
/// PostgreSQL. A reply's chunks, published on the chat's stream as the job grain's <see cref="StreamChunkPublisher"/>
/// does, reach the members on both kinds of gateway.
/// </summary>
public sealed class ChunkStreamClusterTests
{
    private const int ChunkCount = 40;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Members_on_two_different_gateways_both_get_every_chunk_in_publish_order()
    {
        await using var cluster = await ClusterOfThree.StartAsync("chunk-tests");
        var (first, gateway) = (cluster.First, cluster.Gateway);
        using var producer = await StartProducerAsync(cluster.Settings);

        var suffix = Guid.NewGuid().ToString("N")[..8];
        await using var alice = await ChatClient.ConnectAsync("alice-" + suffix, gateway.BaseAddress);
        await using var bob = await ChatClient.ConnectAsync("bob-" + suffix, first.BaseAddress);
        var chat = await alice.PostAsync("/api/v1/chats", new { title = "chunks", members = new[] { bob.UserId } });
        var chatId = chat.GetProperty("chatId").GetString()!;

        // Each gateway sends the chat's created event once it has subscribed its connection to the chat.
        foreach (var member in new[] { alice, bob })
        {
            await member.NextAsync(f => Is(f, "chat", chatId), Wait);
        }

        var publisher = new StreamChunkPublisher(
            producer.Services.GetRequiredKeyedService<IStreamProvider>(AssistantStreams.ProviderName), NullLogger<StreamChunkPublisher>.Instance);
        var chunks = Enumerable.Range(0, ChunkCount).Select(i => new AssistantChunk(chatId, "j" + suffix, 1, i, $"piece {i} ")).ToList();
        // One by one for the first half, then the rest as one batch, as a job under load publishes them.
        foreach (var chunk in chunks.Take(ChunkCount / 2))
        {
            await publisher.PublishAsync([chunk]);
        }

        await publisher.PublishAsync(chunks[(ChunkCount / 2)..]);

        foreach (var member in new[] { alice, bob })
        {
            var received = new List<(string JobId, long Attempt, long Index, string Delta)>();
            for (var i = 0; i < ChunkCount; i++)
            {
                var frame = await member.NextAsync(f => Is(f, "chunk", chatId), Wait);
                received.Add((frame.GetProperty("jobId").GetString()!, frame.GetProperty("attempt").GetInt64(),
                    frame.GetProperty("index").GetInt64(), frame.GetProperty("delta").GetString()!));
            }

            Assert.Equal(chunks.Select(c => (c.JobId, (long)c.Attempt, (long)c.Index, c.Delta)), received);
        }
    }

    /// <summary>An Orleans client of the cluster with the chat's streams, standing in for the silo a job runs on.</summary>
    private static async Task<IHost> StartProducerAsync(IEnumerable<string> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings.Select(s => s.Split('=', 2)).Select(p => KeyValuePair.Create(p[0], (string?)p[1])));
        builder.UseOrleansClient(client => client.UseChatClustering().AddChatStreams());
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static bool Is(JsonElement frame, string type, string chatId) =>
        frame.GetProperty("type").GetString() == type && frame.TryGetProperty("chatId", out var id) && id.GetString() == chatId;
}
