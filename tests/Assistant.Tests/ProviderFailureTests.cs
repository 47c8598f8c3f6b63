using Microsoft.Extensions.Time.Testing;
using OrleansChat.Grains.Assistant;

namespace OrleansChat.Assistant.Tests;

public sealed class ProviderFailureTests
{
    [Fact]
    public async Task A_stream_cut_after_deltas_ends_the_attempt_with_unavailable_and_does_not_fall_back()
    {
        await using var first = await StandInOpenAi.StartAsync();
        await using var second = await StandInOpenAi.StartAsync();
        var twoRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // The cut waits until both deltas were read: a reset connection loses what its reader had not read yet.
        first.DefaultReply = StandInReply.Stream("one", " two", " three", " four") with
        {
            CutAfter = 2,
            BeforeDelta = (i, token) => i == 2 ? twoRead.Task.WaitAsync(token) : Task.CompletedTask,
        };
        await using var host = await ProviderHost.StartAsync([.. ProviderHost.OpenAi(0, first, "model-a"), .. ProviderHost.OpenAi(1, second, "model-b")]);
        var seq = (await host.SendAsync("c1", ("alice", "hello")))[0];
        var request = new AssistantRequest("job-1", "c1", seq, "alice", "hello", 1);
        await using var updates = host.Replies.StreamAsync(request, TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);
        var read = new List<string>();
        for (var i = 0; i < 2 && await updates.MoveNextAsync(); i++)
        {
            read.Add(updates.Current.Delta);
        }

        twoRead.SetResult();
        var failure = await Assert.ThrowsAsync<AssistantProviderException>(async () => await updates.MoveNextAsync());

        Assert.Equal(["one", " two"], read);
        Assert.Equal("unavailable", failure.Code);
        Assert.Empty(second.Requests);
    }

    [Fact]
    public async Task A_provider_that_streams_invalid_JSON_ends_the_attempt_with_bad_response()
    {
        await using var standIn = await StandInOpenAi.StartAsync();
        standIn.DefaultReply = StandInReply.Stream("one", " two", " three") with { InvalidJsonAfter = 1 };
        await using var host = await ProviderHost.StartAsync(ProviderHost.OpenAi(0, standIn, "model-a"));

        var (updates, failure) = await AskUntilFailureAsync(host);

        Assert.Equal(["one"], updates);
        Assert.Equal("bad_response", failure.Code);
    }

    [Fact]
    public async Task Invalid_JSON_before_the_first_delta_hands_the_attempt_to_the_next_provider()
    {
        await using var first = await StandInOpenAi.StartAsync();
        await using var second = await StandInOpenAi.StartAsync();
        first.DefaultReply = StandInReply.Stream("one", " two") with { InvalidJsonAfter = 0 };
        second.DefaultReply = StandInReply.Stream("valid");
        await using var host = await ProviderHost.StartAsync([.. ProviderHost.OpenAi(0, first, "model-a"), .. ProviderHost.OpenAi(1, second, "model-b")]);
        var seq = (await host.SendAsync("c1", ("alice", "hello")))[0];

        var updates = await host.AskAsync("c1", seq, "alice", "hello");

        Assert.Equal([("OpenAI:model-b", "valid")], updates.Select(u => (u.Provider, u.Delta)));
        Assert.Contains(host.Log.Messages, m => m.StartsWith("Job job-c1-1-1: provider OpenAI:model-a failed before its first delta (bad_response: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_provider_silent_between_deltas_past_its_timeout_ends_the_attempt_with_timeout()
    {
        await using var standIn = await StandInOpenAi.StartAsync();
        standIn.DefaultReply = StandInReply.Stream("one", " two", " three") with { HangAfter = 1 };
        var time = new FakeTimeProvider();
        await using var host = await ProviderHost.StartAsync(time, ProviderHost.OpenAi(0, standIn, "model-a", ("Timeout", "00:00:05")));
        var seq = (await host.SendAsync("c1", ("alice", "hello")))[0];
        var request = new AssistantRequest("job-1", "c1", seq, "alice", "hello", 1);
        await using var updates = host.Replies.StreamAsync(request, TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);
        Assert.True(await updates.MoveNextAsync());
        Assert.Equal("one", updates.Current.Delta);

        // The wait for the next delta starts its clock as the consumer asks for it.
        var next = updates.MoveNextAsync();
        time.Advance(TimeSpan.FromSeconds(5));
        var failure = await Assert.ThrowsAsync<AssistantProviderException>(async () => await next);

        Assert.Equal("timeout", failure.Code);
    }

    [Fact]
    public async Task When_every_provider_fails_before_a_delta_the_attempt_fails_with_the_last_ones_code()
    {
        await using var first = await StandInOpenAi.StartAsync();
        await using var second = await StandInOpenAi.StartAsync();
        first.DefaultReply = StandInReply.Error(500);
        second.DefaultReply = StandInReply.TooManyRequests(TimeSpan.FromSeconds(30));
        await using var host = await ProviderHost.StartAsync([.. ProviderHost.OpenAi(0, first, "model-a"), .. ProviderHost.OpenAi(1, second, "model-b")]);

        var (updates, failure) = await AskUntilFailureAsync(host);

        Assert.Empty(updates);
        Assert.Equal("rate_limited", failure.Code);
        Assert.Equal(TimeSpan.FromSeconds(30), failure.RetryAfter);
    }

    private static async Task<(List<string> Updates, AssistantProviderException Failure)> AskUntilFailureAsync(ProviderHost host)
    {
        var seq = (await host.SendAsync("c1", ("alice", "hello")))[0];
        var updates = new List<string>();
        var request = new AssistantRequest("job-1", "c1", seq, "alice", "hello", 1);
        var failure = await Assert.ThrowsAsync<AssistantProviderException>(async () =>
        {
            await foreach (var update in host.Replies.StreamAsync(request, TestContext.Current.CancellationToken))
            {
                updates.Add(update.Delta);
            }
        });
        return (updates, failure);
    }
}
