using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansChat.Grains.Assistant;
using OrleansChat.Hosting;

namespace OrleansChat.Grains;

/// <summary>The chat grains on a silo, in the shape of an Orleans provider's hosting extensions.</summary>
public static class ChatGrainsSiloBuilderExtensions
{
    /// <summary>
    /// What the grains take from the silo's services: <see cref="ChatOptions"/> bound from <c>Chat</c> and checked at
    /// start, <see cref="ChatMetrics"/> and a <see cref="TimeProvider"/> (the system's, unless one is registered).
    /// Their storage comes from <c>AddChatStorage</c>.
    /// </summary>
    public static ISiloBuilder AddChatGrains(this ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var services = silo.Services;
        services.AddValidatedOptions<ChatOptions, ChatOptionsValidator>(ChatOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<ChatMetrics>();
        services.TryAddSingleton<IChunkPublisher, StreamChunkPublisher>();
        return silo;
    }
}
