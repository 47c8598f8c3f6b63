using System.ClientModel;
using System.ClientModel.Primitives;
using Anthropic;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;
using OrleansChat.Grains.Assistant.Providers.Builtin;
using OrleansChat.Persistence;

namespace OrleansChat.Grains.Assistant.Providers;

/// <summary>The <see cref="IChatClient"/> behind one configured provider. Retries are the pipeline's, so the SDKs' own are off.</summary>
internal static class ChatClients
{
    /// <summary>An OpenAI-compatible server with no key (Ollama, llama.cpp) still gets a bearer token: the SDK insists on one.</summary>
    private const string NoKey = "no-key";

    public static IChatClient Create(string kind, AssistantProviderOptions provider, AssistantOptions assistant, IMessageSearch? search) => kind switch
    {
        ProviderKinds.OpenAI => OpenAi(provider),
        ProviderKinds.Anthropic => Anthropic(provider),
        _ => new BuiltinChatClient(search, assistant.UserId),
    };

    private static IChatClient OpenAi(AssistantProviderOptions provider)
    {
        var options = new OpenAIClientOptions
        {
            Endpoint = new Uri(provider.Endpoint!.TrimEnd('/')),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = Timeout.InfiniteTimeSpan,
        };
        var key = ProviderKeys.Read(provider);
        var credential = new ApiKeyCredential(string.IsNullOrEmpty(key) ? NoKey : key);
        return new ChatClient(provider.Model, credential, options).AsIChatClient();
    }

    private static IChatClient Anthropic(AssistantProviderOptions provider)
    {
        var options = new global::Anthropic.Core.ClientOptions
        {
            ApiKey = ProviderKeys.Read(provider),
            MaxRetries = 0,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        if (provider.Endpoint is { Length: > 0 } endpoint)
        {
            options.BaseUrl = endpoint.TrimEnd('/');
        }

        return new AnthropicClient(options).AsIChatClient(provider.Model!);
    }
}
