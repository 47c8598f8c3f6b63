using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansChat.Grains.Assistant;
using OrleansChat.Grains.Assistant.Providers;
using OrleansChat.Hosting;

namespace OrleansChat.Grains;

/// <summary>The chat grains on a silo, in the shape of an Orleans provider's hosting extensions.</summary>
public static class ChatGrainsSiloBuilderExtensions
{
    /// <summary>
    /// What the grains take from the silo's services: <see cref="ChatOptions"/> bound from <c>Chat</c> and
    /// <see cref="AssistantOptions"/> from <c>Assistant</c>, checked at start, the metrics, the silo's assistant job slots
    /// and a <see cref="TimeProvider"/> (the system's, unless one is registered). Their storage comes from
    /// <c>AddChatStorage</c>; the assistant's providers (<see cref="IAssistantReplies"/>) and chunk publisher from their
    /// own hosting extensions.
    /// </summary>
    public static ISiloBuilder AddChatGrains(this ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var services = silo.Services;
        services.AddValidatedOptions<ChatOptions, ChatOptionsValidator>(ChatOptions.SectionName);
        services.AddValidatedOptions<AssistantOptions, AssistantOptionsValidator>(AssistantOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<ChatMetrics>();
        services.TryAddSingleton<AssistantMetrics>();
        services.TryAddSingleton<AssistantJobSlots>();
        services.AddAssistantProviders();
        services.TryAddSingleton<IChunkPublisher, StreamChunkPublisher>();
        return silo;
    }
}
