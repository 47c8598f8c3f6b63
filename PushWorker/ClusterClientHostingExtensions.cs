using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using OrleansChat.Persistence;

namespace OrleansChat.PushWorker;

public static class ClusterClientHostingExtensions
{
    /// <summary>
    /// What a standalone worker needs from the cluster: an Orleans client that finds the gateways through ADO.NET
    /// clustering in PostgreSQL (<c>ConnectionStrings:Postgres</c>, <c>Orleans:ClusterId</c>, <c>Orleans:ServiceId</c>),
    /// and the push outbox in the same database.
    /// </summary>
    public static IHostApplicationBuilder AddPushWorkerClusterClient(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var connectionString = builder.Configuration.GetConnectionString("Postgres");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                "A standalone push worker needs ConnectionStrings:Postgres (the cluster's membership and push outbox); " +
                "in the single-process default the Silo runs the worker itself.");
        }

        builder.Services.AddPostgresChatStorage();
        var orleans = (builder.Configuration.GetSection(OrleansOptions.SectionName).Get<OrleansOptions>() ?? new OrleansOptions()).Validated();
        builder.UseOrleansClient(client =>
        {
            client.UsePostgresClustering(connectionString);
            client.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = orleans.ClusterId;
                options.ServiceId = orleans.ServiceId;
            });
        });
        return builder;
    }
}
