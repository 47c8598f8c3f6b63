using OrleansChat.Grains.Assistant;

namespace OrleansChat.Assistant.Tests;

public sealed class ProviderKeyTests
{
    private const string Key = "sk-stand-in-4f1c9e0b7a";

    [Fact]
    public async Task The_key_read_from_ApiKeyFile_is_sent_as_a_bearer_token_and_never_appears_in_logs_or_errors()
    {
        using var secrets = new ScratchDirectory("orleanschat-assistant-keys");
        var keyFile = Path.Combine(secrets.Path, "openai-key");
        await File.WriteAllTextAsync(keyFile, Key + "\n", TestContext.Current.CancellationToken);
        await using var first = await StandInOpenAi.StartAsync();
        await using var second = await StandInOpenAi.StartAsync();
        first.DefaultReply = StandInReply.Error(500);
        await using var host = await ProviderHost.StartAsync(
            [.. ProviderHost.OpenAi(0, first, "model-a", ("ApiKeyFile", keyFile)), .. ProviderHost.OpenAi(1, second, "model-b", ("ApiKeyFile", keyFile))]);
        var seq = (await host.SendAsync("c1", ("alice", "hello")))[0];

        await host.AskAsync("c1", seq, "alice", "hello");
        second.DefaultReply = StandInReply.Error(401);
        var failure = await Assert.ThrowsAsync<AssistantProviderException>(() => host.AskAsync("c1", seq, "alice", "hello"));

        Assert.Equal("Bearer " + Key, first.Requests[0].Authorization);
        Assert.Equal("Bearer " + Key, second.Requests[0].Authorization);
        Assert.Contains(host.Log.Messages, m => m.Contains("provider OpenAI:model-a failed before its first delta", StringComparison.Ordinal));
        Assert.DoesNotContain(host.Log.Messages, m => m.Contains(Key, StringComparison.Ordinal));
        Assert.DoesNotContain(Key, failure.ToString(), StringComparison.Ordinal);
    }
}
