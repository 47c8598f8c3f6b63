using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OrleansChat.Persistence.Migrations;
using OrleansChat.Persistence.Postgres;
using OrleansChat.Persistence.Writing;

namespace OrleansChat.Persistence;

/// <summary>Registers the PostgreSQL storage of the chat (cluster mode).</summary>
public static class PostgresServiceCollectionExtensions
{
    /// <summary>
    /// The PostgreSQL message store as <see cref="IMessageStore"/> and <see cref="IPushOutbox"/> (one instance), over
    /// <c>ConnectionStrings:Postgres</c>; <see cref="PostgresStorageOptions"/> validated at start, where the schema is
    /// also migrated (a hosted service: register this before <c>UseOrleans</c> so it runs before Orleans starts).
    /// A second call adds nothing.
    /// </summary>
    public static IServiceCollection AddPostgresChatStorage(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(descriptor => descriptor.ServiceType == typeof(PostgresDatabase)))
        {
            return services;
        }

        services.AddOptions<PostgresStorageOptions>()
            .BindConfiguration(StorageOptions.SectionName)
            .Configure<IConfiguration>((options, configuration) =>
                options.ConnectionString = configuration.GetConnectionString(PostgresStorageOptions.ConnectionStringName) ?? options.ConnectionString)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgresStorageOptions>, PostgresStorageOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<PostgresDatabase>();
        services.AddHostedService<MigrationHostedService<PostgresDatabase>>();
        services.AddStorageMetrics();
        services.TryAddSingleton<PostgresMessageStore>();
        services.TryAddSingleton<IMessageStore>(provider => provider.GetRequiredService<PostgresMessageStore>());
        services.TryAddSingleton<IPushOutbox>(provider => provider.GetRequiredService<PostgresMessageStore>());
        services.TryAddSingleton<IMessageSearch>(provider => provider.GetRequiredService<PostgresMessageStore>());
        return services;
    }
}
