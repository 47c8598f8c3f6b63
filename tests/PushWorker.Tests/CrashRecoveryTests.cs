using Microsoft.Extensions.Time.Testing;

namespace OrleansChat.PushWorker.Tests;

[Collection(SharedPushCluster.Name)]
public sealed class CrashRecoveryTests(PushCluster cluster) : IDisposable
{
    private readonly ChatScenario _chat = new(cluster);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow.AddDays(2));

    private TestWorker NewWorker() => TestWorker.Create(
        cluster,
        _time,
        "Push:Sender=Fcm",
        $"Push:Fcm:CredentialsFile={cluster.ServiceAccountFile}",
        $"Push:Fcm:Endpoint={cluster.Providers.HttpBase}",
        "Push:MaxConcurrentSends=1");

    [Fact]
    public async Task Rows_a_worker_held_when_it_stopped_mid_batch_are_sent_by_another_once_the_claims_expire()
    {
        var sender = ChatScenario.NewId("sender");
        var offline = ChatScenario.NewId("offline");
        var held = await _chat.Device(offline, DevicePlatform.Fcm, "held-phone");
        var tablet = await _chat.Device(offline, DevicePlatform.Fcm, "ok-tablet");
        var room = await _chat.Group(sender, offline);
        await ChatScenario.Send(room, sender, "first");
        await ChatScenario.Send(room, sender, "second");
        var chatId = room.GetPrimaryKeyString();

        await using (var first = NewWorker())
        {
            using var stop = new CancellationTokenSource();
            var round = first.DispatchAsync(stop.Token);
            await cluster.Providers.HeldRequestArrived.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => round);
        }

        await using var second = NewWorker();
        var claimedWhileHeld = await second.DispatchAsync();
        _time.Advance(TestWorker.ClaimLease);
        await second.SettleAsync(cluster.Outbox, chatId);

        Assert.Equal(0, claimedWhileHeld);
        Assert.Equal(2, cluster.Providers.FcmRequestsFor(held.Token).Count(r => r.Status == 200));
        Assert.Equal(2, cluster.Providers.FcmRequestsFor(tablet.Token).Count(r => r.Status == 200));
        Assert.Empty(await TestWorker.Rows(cluster.Outbox, chatId));
    }

    public void Dispose() => _chat.Dispose();
}
