using OrleansChat.Grains.Assistant;

namespace OrleansChat.Assistant.Tests;

public sealed class ProviderStreamingTests
{
    [Fact]
    public async Task A_reply_streams_from_an_OpenAI_compatible_server_delta_by_delta_in_order()
    {
        await using var standIn = await StandInOpenAi.StartAsync();
        standIn.DefaultReply = StandInReply.Stream("One", " two", " three", " four", " five");
        await using var host = await ProviderHost.StartAsync(ProviderHost.OpenAi(0, standIn, "model-a"));
        var seq = (await host.SendAsync("c1", ("alice", "count to five")))[0];

        var updates = await host.AskAsync("c1", seq, "alice", "count to five");

        Assert.Equal(["One", " two", " three", " four", " five"], updates.Select(u => u.Delta));
        Assert.All(updates, u => Assert.Equal("OpenAI:model-a", u.Provider));
        var request = Assert.Single(standIn.Requests);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal("model-a", request.Model);
        Assert.True(request.Stream);
    }

    [Fact]
    public async Task Many_jobs_asking_a_fresh_provider_at_the_same_moment_all_get_their_replies()
    {
        await using var standIn = await StandInOpenAi.StartAsync();
        standIn.DefaultReply = StandInReply.Stream("Hello", " there");
        await using var host = await ProviderHost.StartAsync(ProviderHost.OpenAi(0, standIn, "model-a"));
        const int jobs = 32;
        var seqs = await host.SendAsync("c1", [.. Enumerable.Range(0, jobs).Select(i => ("alice", $"question {i}"))]);

        // Released together, each from a thread of its own: the provider's first calls race each other.
        using var start = new Barrier(jobs);
        var replies = await Task.WhenAll(seqs.Select(seq => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait(TestContext.Current.CancellationToken);
                return host.AskAsync("c1", seq, "alice", "hello");
            },
            TestContext.Current.CancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).Unwrap()));

        Assert.All(replies, updates => Assert.Equal("Hello there", string.Concat(updates.Select(u => u.Delta))));
        Assert.Equal(jobs, standIn.Requests.Count);
        Assert.DoesNotContain(host.Log.Lines, l => l.Level >= Microsoft.Extensions.Logging.LogLevel.Warning);
    }

    [Fact]
    public async Task The_context_sent_is_the_chats_last_twenty_texts_with_roles_and_authors_leaving_deleted_ones_out()
    {
        await using var standIn = await StandInOpenAi.StartAsync();
        await using var host = await ProviderHost.StartAsync(ProviderHost.OpenAi(0, standIn, "model-a"));
        string[] senders = ["alice", "bob", "assistant"];
        var texts = Enumerable.Range(1, 30).Select(i => (Sender: senders[i % 3], Text: $"message {i}")).ToArray();
        var seqs = await host.SendAsync("c1", texts);
        await host.SendAsync("elsewhere", ("carol", "not in this chat"));
        await host.DeleteAsync("c1", seqs[25], texts[25].Sender);
        await host.EditAsync("c1", seqs[20], texts[20].Sender, "message 21, edited");
        var asking = (await host.SendAsync("c1", ("alice", "@assistant what happened?")))[0];

        await host.AskAsync("c1", asking, "alice", "@assistant what happened?");

        var sent = Assert.Single(standIn.Requests).Messages;
        Assert.Equal("system", sent[0].Role);
        var expected = texts
            .Select((t, i) => (t.Sender, Text: i == 20 ? "message 21, edited" : t.Text, Index: i))
            .Where(t => t.Index != 25)
            .Select(t => (t.Sender, t.Text))
            .Append((Sender: "alice", Text: "@assistant what happened?"))
            .TakeLast(20)
            .Select(t => t.Sender == "assistant" ? new StandInMessage("assistant", null, t.Text) : new StandInMessage("user", t.Sender, t.Text));
        Assert.Equal(expected, sent.Skip(1));
    }
}
