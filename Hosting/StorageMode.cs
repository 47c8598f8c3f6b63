using Microsoft.Extensions.Configuration;
using OrleansChat.Persistence.Postgres;

namespace OrleansChat.Hosting;

/// <summary>
/// Where the chat keeps its state, which decides everything else a process wires: one silo on SQLite with
/// localhost clustering, or a cluster whose membership, grain state, reminders, messages and push outbox are in
/// PostgreSQL.
/// </summary>
public enum StorageMode
{
    /// <summary>No <c>ConnectionStrings:Postgres</c>: SQLite in <c>Storage:DataDirectory</c>, a silo on this machine.</summary>
    Embedded,

    /// <summary><c>ConnectionStrings:Postgres</c> is set: PostgreSQL for everything, silos found through its membership table.</summary>
    Cluster,
}

/// <summary>The one place that reads the storage decision from configuration.</summary>
public static class StorageModeConfigurationExtensions
{
    /// <summary><see cref="StorageMode.Cluster"/> when <c>ConnectionStrings:Postgres</c> is set, else <see cref="StorageMode.Embedded"/>.</summary>
    public static StorageMode GetStorageMode(this IConfiguration configuration) =>
        string.IsNullOrEmpty(configuration.GetPostgresConnectionString()) ? StorageMode.Embedded : StorageMode.Cluster;

    /// <summary><c>ConnectionStrings:Postgres</c>, or null in <see cref="StorageMode.Embedded"/>.</summary>
    public static string? GetPostgresConnectionString(this IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration.GetConnectionString(PostgresStorageOptions.ConnectionStringName);
    }
}
