using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OrleansChat.Persistence.Migrations;
using OrleansChat.Persistence.Sqlite;
using OrleansChat.Persistence.Writing;

namespace OrleansChat.Persistence;

/// <summary>Registers the embedded SQLite storage of the chat.</summary>
public static class PersistenceServiceCollectionExtensions
{
    /// <summary>
    /// The SQLite message store as <see cref="IMessageStore"/> and <see cref="IPushOutbox"/> (one instance),
    /// over <c>{Storage:DataDirectory}/chat.db</c>; <see cref="StorageOptions"/> bound from section
    /// <c>Storage</c> and validated at start, where the schema is also migrated.
    /// </summary>
    public static IServiceCollection AddSqliteChatStorage(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddSqliteDatabase();
        services.AddStorageMetrics();
        services.TryAddSingleton<SqliteMessageStore>();
        services.TryAddSingleton<IMessageStore>(provider => provider.GetRequiredService<SqliteMessageStore>());
        services.TryAddSingleton<IPushOutbox>(provider => provider.GetRequiredService<SqliteMessageStore>());
        services.TryAddSingleton<IMessageSearch>(provider => provider.GetRequiredService<SqliteMessageStore>());
        return services;
    }

    /// <summary>Options, the database and its start-up migration; a second call adds nothing.</summary>
    internal static IServiceCollection AddSqliteDatabase(this IServiceCollection services)
    {
        if (services.Any(descriptor => descriptor.ServiceType == typeof(SqliteDatabase)))
        {
            return services;
        }

        services.AddOptions<StorageOptions>()
            .BindConfiguration(StorageOptions.SectionName)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<SqliteDatabase>();
        services.AddHostedService<MigrationHostedService<SqliteDatabase>>();
        return services;
    }
}
