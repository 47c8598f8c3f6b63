using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace OrleansChat.Persistence.Writing;

/// <summary>Registers <see cref="StorageMetrics"/> over the host's <see cref="System.Diagnostics.Metrics.IMeterFactory"/>.</summary>
internal static class StorageMetricsServiceCollectionExtensions
{
    public static IServiceCollection AddStorageMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton<StorageMetrics>();
        return services;
    }
}
