using Microsoft.Extensions.Options;
using OrleansChat.Grains.Assistant;

namespace OrleansChat.Grains.Tests;

/// <summary>A silo generates at most <c>Assistant:MaxConcurrentJobs</c> replies at once; the others wait their turn.</summary>
public sealed class AssistantJobSlotsTests
{
    [Fact]
    public async Task A_job_beyond_the_silos_limit_waits_until_a_running_one_lets_go_of_its_slot()
    {
        using var slots = new AssistantJobSlots(Options.Create(new AssistantOptions { MaxConcurrentJobs = 1 }));
        var first = await slots.TakeAsync(TestContext.Current.CancellationToken);

        var second = slots.TakeAsync(TestContext.Current.CancellationToken);
        Assert.False(second.IsCompleted);

        first.Dispose();
        first.Dispose();
        (await second).Dispose();
        var third = slots.TakeAsync(TestContext.Current.CancellationToken);
        Assert.True(third.IsCompletedSuccessfully);
        var fourth = slots.TakeAsync(TestContext.Current.CancellationToken);
        Assert.False(fourth.IsCompleted);
    }

    [Fact]
    public async Task A_job_stopped_while_it_waits_for_a_slot_stops_waiting()
    {
        using var slots = new AssistantJobSlots(Options.Create(new AssistantOptions { MaxConcurrentJobs = 1 }));
        using var held = await slots.TakeAsync(TestContext.Current.CancellationToken);
        using var stop = new CancellationTokenSource();

        var waiting = slots.TakeAsync(stop.Token);
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }
}
