using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace OrleansChat.PushWorker.Tests;

[Collection(SharedPushCluster.Name)]
public sealed class HostedWorkerTests(PushCluster cluster) : IDisposable
{
    private static readonly TimeSpan AcceptLimit = TimeSpan.FromSeconds(30);

    private readonly ChatScenario _chat = new(cluster);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow.AddDays(3));

    [Fact]
    public async Task The_hosted_worker_sends_what_is_queued_while_it_runs()
    {
        await using var worker = TestWorker.Create(
            cluster,
            _time,
            "Push:Sender=Fcm",
            $"Push:Fcm:CredentialsFile={cluster.ServiceAccountFile}",
            $"Push:Fcm:Endpoint={cluster.Providers.HttpBase}");
        await worker.StartAsync();
        var (sender, offline) = (ChatScenario.NewId("sender"), ChatScenario.NewId("offline"));
        var phone = await _chat.Device(offline, DevicePlatform.Fcm, "ok-phone");
        var room = await _chat.Group(sender, offline);

        await ChatScenario.Send(room, sender, "while running");
        var accepted = cluster.Providers.FcmAccepted(phone.Token);
        // The worker runs its rounds on its own task, so the test cannot tell when one is over: it keeps advancing
        // the worker's clock (each poll interval is one more claim round) until FCM accepts, within a bound.
        var waiting = TimeProvider.System.GetTimestamp();
        var rounds = 0;
        while (!accepted.IsCompleted)
        {
            var waited = TimeProvider.System.GetElapsedTime(waiting);
            Assert.True(waited < AcceptLimit, $"FCM accepted no push for the phone within {AcceptLimit} ({rounds} poll intervals advanced)");
            _time.Advance(TimeSpan.FromSeconds(1));
            rounds++;
            await Task.WhenAny(accepted, Task.Delay(TimeSpan.FromMilliseconds(50), TestContext.Current.CancellationToken));
        }

        Assert.Equal(200, Assert.Single(cluster.Providers.FcmRequestsFor(phone.Token)).Status);
    }

    [Fact]
    public async Task A_worker_configured_for_FCM_without_a_credentials_file_does_not_start()
    {
        await using var worker = TestWorker.Create(cluster, _time, "Push:Sender=Fcm");

        var error = await Assert.ThrowsAsync<OptionsValidationException>(worker.StartAsync);

        Assert.Contains("Push:Fcm:CredentialsFile", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_worker_configured_for_Web_Push_with_a_malformed_key_does_not_start()
    {
        await using var worker = TestWorker.Create(
            cluster,
            _time,
            "Push:Sender=WebPush",
            "Push:WebPush:Subject=mailto:ops@orleanschat.test",
            "Push:WebPush:PublicKey=not-a-key",
            "Push:WebPush:PrivateKey=not-a-key");

        var error = await Assert.ThrowsAsync<OptionsValidationException>(worker.StartAsync);

        Assert.Contains("Push:WebPush:PublicKey", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _chat.Dispose();
}
