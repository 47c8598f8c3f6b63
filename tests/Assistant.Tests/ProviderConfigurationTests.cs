using Microsoft.Extensions.Options;

namespace OrleansChat.Assistant.Tests;

public sealed class ProviderConfigurationTests
{
    [Fact]
    public async Task An_unknown_provider_kind_stops_the_start_naming_the_kinds_there_are()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            ProviderHost.StartAsync(("Assistant:Providers:0:Kind", "Gemini")));

        Assert.Contains("Assistant:Providers:0:Kind 'Gemini' is not a provider kind; use one of OpenAI, Anthropic, Builtin.", failure.Failures);
    }

    [Fact]
    public async Task An_OpenAI_provider_without_endpoint_and_model_stops_the_start()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            ProviderHost.StartAsync(("Assistant:Providers:0:Kind", "Builtin"), ("Assistant:Providers:1:Kind", "openai")));

        Assert.Equal(2, failure.Failures.Count());
        Assert.StartsWith("Assistant:Providers:1:Endpoint must be the http(s) base address", failure.Failures.First(), StringComparison.Ordinal);
        Assert.Equal("Assistant:Providers:1:Model is required for Kind OpenAI.", failure.Failures.Last());
    }

    [Fact]
    public async Task An_ApiKeyFile_that_cannot_be_read_stops_the_start()
    {
        var missing = Path.Combine(Path.GetTempPath(), "orleanschat-no-such-key", Guid.NewGuid().ToString("N"));
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            ProviderHost.StartAsync(
                ("Assistant:Providers:0:Kind", "OpenAI"),
                ("Assistant:Providers:0:Endpoint", "http://localhost:11434/v1"),
                ("Assistant:Providers:0:Model", "llama3.2"),
                ("Assistant:Providers:0:ApiKeyFile", missing)));

        Assert.StartsWith($"Assistant:Providers:0:ApiKeyFile '{missing}' cannot be read: ", Assert.Single(failure.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_Anthropic_provider_without_a_key_stops_the_start()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            ProviderHost.StartAsync(("Assistant:Providers:0:Kind", "Anthropic"), ("Assistant:Providers:0:Model", "claude-sonnet-4-5")));

        Assert.Equal("Assistant:Providers:0:ApiKey or Assistant:Providers:0:ApiKeyFile is required for Kind Anthropic.", Assert.Single(failure.Failures));
    }

    [Fact]
    public async Task An_Anthropic_provider_with_a_model_and_key_starts()
    {
        await using var host = await ProviderHost.StartAsync(
            ("Assistant:Providers:0:Kind", "Anthropic"),
            ("Assistant:Providers:0:Model", "claude-sonnet-4-5"),
            ("Assistant:Providers:0:ApiKey", "sk-ant-test"));

        Assert.NotNull(host.Replies);
    }
}
