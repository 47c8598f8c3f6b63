using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace OrleansChat.Hosting;

/// <summary>Registers <see cref="OrleansOptions"/> the way every chat process (silo or client) reads them.</summary>
public static class OrleansOptionsServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="OrleansOptions"/> bound from <c>Orleans</c> and checked at start, and the cluster identity
    /// (<see cref="ClusterOptions"/>) taken from them; for silos and clients alike.
    /// </summary>
    public static IServiceCollection AddOrleansOptions(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(descriptor => descriptor.ImplementationType == typeof(OrleansOptionsValidator)))
        {
            return services;
        }

        services.AddValidatedOptions<OrleansOptions, OrleansOptionsValidator>(OrleansOptions.SectionName);
        services.AddOptions<ClusterOptions>().Configure<IOptions<OrleansOptions>>((cluster, orleans) =>
        {
            cluster.ClusterId = orleans.Value.ClusterId;
            cluster.ServiceId = orleans.Value.ServiceId;
        });
        return services;
    }
}
