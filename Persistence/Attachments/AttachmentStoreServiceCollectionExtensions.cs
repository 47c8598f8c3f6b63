using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OrleansChat.Persistence.Attachments;
using OrleansChat.Persistence.Postgres;

namespace OrleansChat.Persistence;

/// <summary>Registers the attachment store (PROTOCOL.md 7) and its options; the only place that knows the section's name.</summary>
public static class AttachmentStoreServiceCollectionExtensions
{
    /// <summary>Files under <c>Storage:DataDirectory/attachments</c>, described in <c>chat.db</c>; a second call adds nothing.</summary>
    public static IServiceCollection AddFileAttachmentStore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSqliteDatabase();
        services.AddAttachmentOptions();
        services.TryAddSingleton<IAttachmentStore>(provider => new FileAttachmentStore(provider.GetRequiredService<Sqlite.SqliteDatabase>()));
        return services;
    }

    /// <summary>Chunked rows in PostgreSQL (<c>ConnectionStrings:Postgres</c>); a second call adds nothing.</summary>
    public static IServiceCollection AddPostgresAttachmentStore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddPostgresChatStorage();
        services.AddAttachmentOptions();
        services.TryAddSingleton<IAttachmentStore>(provider => new PostgresAttachmentStore(provider.GetRequiredService<PostgresDatabase>()));
        return services;
    }

    /// <summary>The sweep that removes uploads no message carries after <c>Attachments:OrphanTtl</c>; silos run it.</summary>
    public static IServiceCollection AddAttachmentOrphanCleanup(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.All(d => d.ImplementationType != typeof(AttachmentOrphanCleanup)))
        {
            services.TryAddSingleton(TimeProvider.System);
            services.AddHostedService<AttachmentOrphanCleanup>();
        }

        return services;
    }

    private static void AddAttachmentOptions(this IServiceCollection services)
    {
        // Bound once: a second binding would append the configured AllowedTypes again.
        if (services.Any(d => d.ServiceType == typeof(IValidateOptions<AttachmentOptions>)))
        {
            return;
        }

        services.AddOptions<AttachmentOptions>().BindConfiguration(AttachmentOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AttachmentOptions>, AttachmentOptionsValidator>());
    }
}
