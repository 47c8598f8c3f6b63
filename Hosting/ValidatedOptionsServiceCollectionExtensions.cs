using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace OrleansChat.Hosting;

/// <summary>The one way the chat's processes take options from configuration.</summary>
public static class ValidatedOptionsServiceCollectionExtensions
{
    /// <summary>
    /// <typeparamref name="TOptions"/> bound from configuration section <paramref name="sectionName"/> and checked by
    /// <typeparamref name="TValidator"/> when the host starts, so that a bad value stops the process before it serves.
    /// Several parts may each add their own validator of one options type: the section is bound once all the same, since
    /// binding twice would append a configured list (such as <c>Assistant:Providers</c>) to itself.
    /// </summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions, TValidator>(this IServiceCollection services, string sectionName)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        var options = services.AddOptions<TOptions>();
        if (services.Any(d => d.ServiceType == typeof(BoundSection<TOptions>)))
        {
            return options;
        }

        services.AddSingleton(new BoundSection<TOptions>(sectionName));
        return options.BindConfiguration(sectionName).ValidateOnStart();
    }

    /// <summary>Marks <typeparamref name="TOptions"/> as bound from its section.</summary>
    private sealed record BoundSection<TOptions>(string SectionName);
}
