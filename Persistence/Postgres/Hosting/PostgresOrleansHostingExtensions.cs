using Orleans.Hosting;

namespace OrleansChat.Persistence;

/// <summary>
/// Orleans' ADO.NET providers pointed at the chat's PostgreSQL database, whose schema and <c>OrleansQuery</c> rows
/// come from <see cref="Postgres.PostgresDatabase.MigrateAsync(string, CancellationToken)"/>: run that (or start
/// <see cref="PostgresServiceCollectionExtensions.AddPostgresChatStorage"/>'s hosted service) before the silo starts.
/// </summary>
public static class PostgresOrleansHostingExtensions
{
    /// <summary>The ADO.NET invariant of Npgsql; every provider needs it set (grain storage defaults to SQL Server).</summary>
    public const string Invariant = "Npgsql";

    /// <summary>Membership in PostgreSQL (silo side).</summary>
    public static ISiloBuilder UsePostgresClustering(this ISiloBuilder silo, string connectionString) =>
        silo.UseAdoNetClustering(options =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = connectionString;
        });

    /// <summary>The gateway list from PostgreSQL membership (client side, e.g. a standalone gateway).</summary>
    public static IClientBuilder UsePostgresClustering(this IClientBuilder client, string connectionString) =>
        client.UseAdoNetClustering(options =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = connectionString;
        });

    /// <summary>
    /// Grain state provider <paramref name="name"/> in PostgreSQL. It serializes with the silo's default grain storage
    /// serializer: call <c>UseSystemTextJsonGrainStorageSerializer()</c> on the silo as well.
    /// </summary>
    public static ISiloBuilder AddPostgresGrainStorage(this ISiloBuilder silo, string name, string connectionString) =>
        silo.AddAdoNetGrainStorage(name, options =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = connectionString;
        });

    /// <summary>Reminders in PostgreSQL.</summary>
    public static ISiloBuilder UsePostgresReminders(this ISiloBuilder silo, string connectionString) =>
        silo.UseAdoNetReminderService(options =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = connectionString;
        });
}
