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
    /// </summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions, TValidator>(this IServiceCollection services, string sectionName)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        return services.AddOptions<TOptions>().BindConfiguration(sectionName).ValidateOnStart();
    }
}
