using Microsoft.Extensions.Time.Testing;

namespace OrleansChat.Assistant.Tests;

public sealed class ProviderFallbackTests
{
    [Fact]
    public async Task A_provider_that_answers_500_hands_the_attempt_to_the_next_provider()
    {
        await using var first = await StandInOpenAi.StartAsync();
        await using var second = await StandInOpenAi.StartAsync();
        first.DefaultReply = StandInReply.Error(500);
        second.DefaultReply = StandInReply.Stream("from", " the second");
        await using var host = await ProviderHost.StartAsync([.. ProviderHost.OpenAi(0, first, "model-a"), .. ProviderHost.OpenAi(1, second, "model-b")]);
        var seq = (await host.SendAsync("c1", ("alice", "hello")))[0];

        var updates = await host.AskAsync("c1", seq, "alice", "hello");

        Assert.Equal(["from", " the second"], updates.Select(u => u.Delta));
        Assert.All(updates, u => Assert.Equal("OpenAI:model-b", u.Provider));
        Assert.Single(first.Requests);
        Assert.Single(second.Requests);
    }

    [Fact]
    public async Task A_provider_that_hangs_past_its_timeout_hands_the_attempt_to_the_next_provider()
    {
        await using var first = await StandInOpenAi.StartAsync();
        await using var second = await StandInOpenAi.StartAsync();
        first.DefaultReply = StandInReply.Hanging();
        second.DefaultReply = StandInReply.Stream("awake");
        var time = new FakeTimeProvider();
        await using var host = await ProviderHost.StartAsync(
            time, [.. ProviderHost.OpenAi(0, first, "model-a", ("Timeout", "00:00:05")), .. ProviderHost.OpenAi(1, second, "model-b")]);
        var seq = (await host.SendAsync("c1", ("alice", "hello")))[0];

        var asking = host.AskAsync("c1", seq, "alice", "hello");
        await first.RequestArrived(1);
        time.Advance(TimeSpan.FromSeconds(5));
        var updates = await asking;

        Assert.Equal([("OpenAI:model-b", "awake")], updates.Select(u => (u.Provider, u.Delta)));
        Assert.Single(first.Requests);
    }

    [Fact]
    public async Task The_second_attempt_starts_at_the_second_provider()
    {
        await using var first = await StandInOpenAi.StartAsync();
        await using var second = await StandInOpenAi.StartAsync();
        await using var host = await ProviderHost.StartAsync([.. ProviderHost.OpenAi(0, first, "model-a"), .. ProviderHost.OpenAi(1, second, "model-b")]);
        var seq = (await host.SendAsync("c1", ("alice", "hello")))[0];

        var updates = await host.AskAsync("c1", seq, "alice", "hello", attempt: 2);

        Assert.All(updates, u => Assert.Equal("OpenAI:model-b", u.Provider));
        Assert.Empty(first.Requests);
    }

    [Fact]
    public async Task A_429_with_Retry_After_is_retried_on_the_same_provider_once_the_delay_has_passed()
    {
        await using var standIn = await StandInOpenAi.StartAsync();
        standIn.Enqueue(StandInReply.TooManyRequests(TimeSpan.FromSeconds(1)), StandInReply.Stream("after", " the wait"));
        await using var host = await ProviderHost.StartAsync(ProviderHost.OpenAi(0, standIn, "model-a", ("Retries", "1"), ("Timeout", "00:00:05")));
        var seq = (await host.SendAsync("c1", ("alice", "hello")))[0];

        var updates = await host.AskAsync("c1", seq, "alice", "hello");

        Assert.Equal(["after", " the wait"], updates.Select(u => u.Delta));
        Assert.Equal(2, standIn.Requests.Count);
        Assert.True(standIn.Requests[1].ReceivedAt - standIn.Requests[0].ReceivedAt >= TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task After_repeated_failures_the_circuit_opens_and_the_provider_is_skipped()
    {
        await using var first = await StandInOpenAi.StartAsync();
        await using var second = await StandInOpenAi.StartAsync();
        first.DefaultReply = StandInReply.Error(503);
        await using var host = await ProviderHost.StartAsync(
            [.. ProviderHost.OpenAi(0, first, "model-a", ("BreakAfterFailures", "3")), .. ProviderHost.OpenAi(1, second, "model-b")]);
        var seq = (await host.SendAsync("c1", ("alice", "hello")))[0];

        for (var i = 0; i < 3; i++)
        {
            await host.AskAsync("c1", seq, "alice", "hello");
        }

        var updates = await host.AskAsync("c1", seq, "alice", "hello");

        Assert.All(updates, u => Assert.Equal("OpenAI:model-b", u.Provider));
        Assert.Equal(3, first.Requests.Count);
        Assert.Equal(4, second.Requests.Count);
        Assert.Contains(host.Log.Messages, m => m.Contains("provider OpenAI:model-a is skipped, its circuit is open", StringComparison.Ordinal));
    }
}
