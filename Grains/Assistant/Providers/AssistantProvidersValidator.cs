using Microsoft.Extensions.Options;

namespace OrleansChat.Grains.Assistant.Providers;

/// <summary>Stops the silo at start when <c>Assistant:Providers</c> names a provider that could never answer.</summary>
public sealed class AssistantProvidersValidator : IValidateOptions<AssistantOptions>
{
    public ValidateOptionsResult Validate(string? name, AssistantOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.ContextMessages is < 1 or > 1000)
        {
            failures.Add($"Assistant:ContextMessages must be between 1 and 1000 (it is {options.ContextMessages}).");
        }

        for (var i = 0; i < options.Providers.Count; i++)
        {
            failures.AddRange(Check($"Assistant:Providers:{i}", options.Providers[i]));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static IEnumerable<string> Check(string key, AssistantProviderOptions provider)
    {
        var kind = ProviderKinds.Normalize(provider.Kind);
        if (kind is null)
        {
            yield return $"{key}:Kind '{provider.Kind}' is not a provider kind; use one of {string.Join(", ", ProviderKinds.All)}.";
            yield break;
        }

        if (kind == ProviderKinds.OpenAI
            && !(Uri.TryCreate(provider.Endpoint, UriKind.Absolute, out var endpoint) && endpoint.Scheme is "http" or "https"))
        {
            yield return $"{key}:Endpoint must be the http(s) base address of an OpenAI-compatible server "
                + "(requests go to {Endpoint}/chat/completions), e.g. http://localhost:11434/v1 for Ollama.";
        }

        if (kind != ProviderKinds.Builtin && string.IsNullOrWhiteSpace(provider.Model))
        {
            yield return $"{key}:Model is required for Kind {kind}.";
        }

        if (kind == ProviderKinds.Anthropic && string.IsNullOrWhiteSpace(provider.ApiKey) && string.IsNullOrWhiteSpace(provider.ApiKeyFile))
        {
            yield return $"{key}:ApiKey or {key}:ApiKeyFile is required for Kind Anthropic.";
        }

        if (kind == ProviderKinds.Anthropic && provider.Endpoint is { Length: > 0 } && !Uri.TryCreate(provider.Endpoint, UriKind.Absolute, out _))
        {
            yield return $"{key}:Endpoint must be an absolute address when it is set.";
        }

        if (provider.ApiKeyFile is { Length: > 0 } file && ProviderKeys.CannotRead(file) is { } why)
        {
            yield return $"{key}:ApiKeyFile '{file}' cannot be read: {why}";
        }

        if (provider.Timeout <= TimeSpan.Zero)
        {
            yield return $"{key}:Timeout must be positive.";
        }

        if (provider.Retries is < 0 or > 10)
        {
            yield return $"{key}:Retries must be between 0 and 10.";
        }

        if (provider.BreakAfterFailures < 2 || provider.BreakDuration < TimeSpan.FromMilliseconds(500))
        {
            yield return $"{key}:BreakAfterFailures must be at least 2 and BreakDuration at least 500 ms.";
        }
    }
}
