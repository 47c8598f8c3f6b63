using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansChat.Hosting;
using OrleansChat.Persistence;

namespace OrleansChat.Grains.Assistant.Providers;

/// <summary>The assistant's providers on a silo, from <c>Assistant:Providers</c>.</summary>
public static class AssistantProvidersServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="IAssistantReplies"/> as a chain of the configured providers (none configured: one <c>Builtin</c>),
    /// with <see cref="AssistantOptions"/> bound from <c>Assistant</c> and its providers checked at start.
    /// </summary>
    public static IServiceCollection AddAssistantProviders(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddValidatedOptions<AssistantOptions, AssistantProvidersValidator>(AssistantOptions.SectionName);

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IAssistantReplies>(CreateChain);
        return services;
    }

    private static ProviderChain CreateChain(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<AssistantOptions>>().Value;
        var time = services.GetRequiredService<TimeProvider>();
        var search = services.GetService<IMessageSearch>();
        var configured = options.Providers.Count > 0 ? options.Providers : [new AssistantProviderOptions()];
        var providers = configured
            .Select(p =>
            {
                var kind = ProviderKinds.Normalize(p.Kind)!;
                var name = kind == ProviderKinds.Builtin || string.IsNullOrWhiteSpace(p.Model) ? kind : $"{kind}:{p.Model}";
                return new AssistantProvider(name, ChatClients.Create(kind, p, options, search), p, time);
            })
            .ToList();
        var context = new ChatContext(services.GetRequiredService<IMessageStore>(), options.UserId, options.ContextMessages);
        return new ProviderChain(providers, context, services.GetRequiredService<ILogger<ProviderChain>>());
    }
}
