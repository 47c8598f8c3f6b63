using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using OrleansChat.Persistence;
using OrleansChat.TestInfrastructure;

namespace OrleansChat.PushWorker.Tests;

[Collection(SharedPushCluster.Name)]
public sealed class PostgresOutboxTests(PushCluster cluster) : IDisposable
{
    private readonly ChatScenario _chat = new(cluster);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow.AddDays(1));

    [Fact]
    public async Task Two_workers_on_one_PostgreSQL_outbox_never_send_the_same_row_twice()
    {
        var server = await PostgresServer.RequireAsync();
        var connectionString = await server.CreateDatabaseAsync("push");
        var storage = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        storage.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = connectionString });
        storage.Services.AddPostgresChatStorage();
        using var storageHost = storage.Build();
        await storageHost.StartAsync(TestContext.Current.CancellationToken);
        var store = storageHost.Services.GetRequiredService<IMessageStore>();
        var outbox = storageHost.Services.GetRequiredService<IPushOutbox>();

        var sender = ChatScenario.NewId("sender");
        var targets = new List<(PushTarget Target, string Token)>();
        for (var user = 0; user < 10; user++)
        {
            var userId = ChatScenario.NewId("offline");
            for (var device = 0; device < 3; device++)
            {
                var registered = await _chat.Device(userId, DevicePlatform.Fcm, "ok-device");
                targets.Add((new PushTarget(userId, registered.DeviceId), registered.Token));
            }
        }

        var chatId = ChatScenario.NewId("chat");
        var messages = Enumerable.Range(1, 3)
            .Select(i => new NewMessage(Guid.CreateVersion7(), sender, ChatScenario.NewId("c"), $"message {i}", DateTimeOffset.UtcNow, [.. targets.Select(t => t.Target)]))
            .ToList();
        await store.AppendAsync(new ChatAppend(chatId, 0, messages), TestContext.Current.CancellationToken);
        string[] settings =
        [
            "Push:Sender=Fcm",
            $"Push:Fcm:CredentialsFile={cluster.ServiceAccountFile}",
            $"Push:Fcm:Endpoint={cluster.Providers.HttpBase}",
            "Push:BatchSize=7",
        ];
        await using var first = TestWorker.Create(cluster, outbox, _time, settings);
        await using var second = TestWorker.Create(cluster, outbox, _time, settings);

        await Task.WhenAll(Drain(first), Drain(second));

        foreach (var (_, token) in targets)
        {
            var requests = cluster.Providers.FcmRequestsFor(token);
            Assert.Equal(3, requests.Count);
            Assert.Equal(3, requests.Select(r => r.Json.GetProperty("message").GetProperty("data").GetProperty("messageId").GetString()).Distinct().Count());
        }

        Assert.Empty(await outbox.ListAsync(1000, TestContext.Current.CancellationToken));
        await storageHost.StopAsync(TestContext.Current.CancellationToken);
    }

    private static async Task Drain(TestWorker worker)
    {
        while (await worker.DispatchAsync() > 0)
        {
        }
    }

    public void Dispose() => _chat.Dispose();
}
