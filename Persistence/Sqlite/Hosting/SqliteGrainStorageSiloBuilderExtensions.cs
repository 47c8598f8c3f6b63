using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Hosting;
using Orleans.Providers;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using OrleansChat.Persistence.Sqlite;

namespace OrleansChat.Persistence;

/// <summary>Registers <see cref="SqliteGrainStorage"/> as a named Orleans grain storage provider.</summary>
public static class SqliteGrainStorageSiloBuilderExtensions
{
    /// <summary>Grain state in <c>{Storage:DataDirectory}/chat.db</c> for grains that name no storage.</summary>
    public static ISiloBuilder AddSqliteGrainStorageAsDefault(this ISiloBuilder builder) =>
        builder.AddSqliteGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);

    /// <summary>
    /// Grain state in <c>{Storage:DataDirectory}/chat.db</c> under the storage name <paramref name="name"/>
    /// (the name in <c>[PersistentState(stateName, name)]</c>). Uses the serializer registered for that
    /// name, else the silo's <see cref="IGrainStorageSerializer"/>.
    /// </summary>
    public static ISiloBuilder AddSqliteGrainStorage(this ISiloBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);

        builder.Services.AddSqliteDatabase();
        builder.Services.TryAddSingleton<SqliteGrainStateWriter>();
        builder.Services.AddGrainStorage(name, static (services, providerName) => new SqliteGrainStorage(
            providerName,
            services.GetRequiredService<SqliteDatabase>(),
            services.GetRequiredService<SqliteGrainStateWriter>(),
            services.GetKeyedService<IGrainStorageSerializer>(providerName) ?? services.GetRequiredService<IGrainStorageSerializer>(),
            services.GetService<TimeProvider>() ?? TimeProvider.System));
        return builder;
    }
}
