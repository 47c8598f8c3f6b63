namespace OrleansChat.Assistant.Tests;

public sealed class BuiltinProviderTests
{
    [Fact]
    public async Task With_no_provider_configured_help_says_what_the_builtin_can_do_in_several_deltas()
    {
        await using var host = await ProviderHost.StartAsync();
        var seq = (await host.SendAsync("d1", ("alice", "help")))[0];

        var updates = await host.AskAsync("d1", seq, "alice", "help");

        Assert.True(updates.Count > 5, $"{updates.Count} deltas");
        Assert.All(updates, u => Assert.Equal("Builtin", u.Provider));
        var answer = string.Concat(updates.Select(u => u.Delta));
        Assert.StartsWith("I am assistant, the built-in assistant.", answer, StringComparison.Ordinal);
        Assert.Contains("summarise (or summarize)", answer, StringComparison.Ordinal);
        Assert.Contains("search <words>", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Summarise_picks_the_most_informative_sentences_and_names_their_authors()
    {
        await using var host = await ProviderHost.StartAsync();
        await host.SendAsync(
            "g1",
            ("alice", "ok"),
            ("bob", "ok thanks"),
            ("alice", "The release moves to Thursday because the database migration needs a maintenance window."),
            ("carol", "ok"),
            ("bob", "yes ok"),
            ("carol", "Invoices for November go out once finance approves the new pricing sheet."),
            ("alice", "ok thanks"),
            ("bob", "Marketing wants screenshots of the redesigned onboarding flow by Friday noon."),
            ("carol", "yes"));

        var answer = await host.AskTextAsync("g1", "dave", "@assistant summarise");

        Assert.Equal(
            "The gist of the last 9 messages:\n"
            + "- alice: The release moves to Thursday because the database migration needs a maintenance window.\n"
            + "- carol: Invoices for November go out once finance approves the new pricing sheet.\n"
            + "- bob: Marketing wants screenshots of the redesigned onboarding flow by Friday noon.",
            answer);
    }

    [Fact]
    public async Task Search_answers_the_sender_time_and_text_of_hits_from_this_chat_only()
    {
        await using var host = await ProviderHost.StartAsync();
        await host.SendAsync("g1", ("alice", "the staging deploy is green"), ("bob", "lunch at noon?"));
        await host.SendAsync("g2", ("mallory", "deploy secrets live in the vault"));
        var hit = (await host.Store.ReadAsync("g1", Persistence.MessageRange.After(0, 1), TestContext.Current.CancellationToken)).Messages[0];

        var answer = await host.AskTextAsync("g1", "carol", "@assistant search deploy");

        Assert.Equal(
            $"1 message holds \"deploy\":\n- alice at {hit.SentAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC: the staging deploy is green",
            answer);
    }

    [Fact]
    public async Task Anything_else_is_answered_that_no_language_model_is_configured_and_how_to_configure_one()
    {
        await using var host = await ProviderHost.StartAsync();

        var answer = await host.AskTextAsync("d1", "alice", "What is the capital of France?");

        Assert.StartsWith("No language model is configured on this server", answer, StringComparison.Ordinal);
        Assert.Contains("Assistant:Providers:0:Kind", answer, StringComparison.Ordinal);
        Assert.Contains("Assistant:Providers:0:Endpoint (e.g. http://localhost:11434/v1)", answer, StringComparison.Ordinal);
        Assert.Contains("Assistant__Providers__0__Kind", answer, StringComparison.Ordinal);
    }
}
