using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace OrleansChat.PushWorker.Tests;

/// <summary>A standalone push worker may start before the cluster it joins, as a gateway may.</summary>
public sealed class ClusterClientTests
{
    [Fact]
    public async Task A_standalone_worker_whose_cluster_does_not_answer_yet_tries_again_after_a_pause()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:Postgres"] = "Host=127.0.0.1;Database=orleanschat";
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.AddPushWorkerClusterClient();
        using var host = builder.Build();
        var filter = host.Services.GetRequiredService<IClientConnectionRetryFilter>();

        // What a client meets when it starts before the silos have migrated the membership table.
        var first = filter.ShouldRetryConnectionAttempt(
            new InvalidOperationException("relation \"orleansquery\" does not exist"), TestContext.Current.CancellationToken);
        var answeredBeforeThePause = first.IsCompleted;
        clock.Advance(TimeSpan.FromSeconds(2));

        Assert.False(answeredBeforeThePause);
        Assert.True(await first.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
    }
}
