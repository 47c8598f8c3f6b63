using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Hosting;

namespace OrleansChat.Gateway;

public static class ClusterClientHosting
{
    /// <summary>The ADO.NET invariant of PostgreSQL's provider (Npgsql).</summary>
    public const string PostgresInvariant = "Npgsql";

    /// <summary>
    /// Joins the cluster as an Orleans client: through the silos that PostgreSQL's membership table lists when
    /// <c>ConnectionStrings:Postgres</c> is set, else through a silo on this machine at <c>Orleans:GatewayPort</c>.
    /// </summary>
    public static IHostApplicationBuilder AddChatClusterClient(this IHostApplicationBuilder builder)
    {
        var orleans = (builder.Configuration.GetSection(OrleansOptions.SectionName).Get<OrleansOptions>() ?? new OrleansOptions()).Validated();
        var postgres = builder.Configuration.GetConnectionString("Postgres");
        builder.UseOrleansClient(client =>
        {
            if (string.IsNullOrEmpty(postgres))
            {
                client.UseLocalhostClustering(orleans.GatewayPort, orleans.ServiceId, orleans.ClusterId);
            }
            else
            {
                client.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = orleans.ClusterId;
                    o.ServiceId = orleans.ServiceId;
                });
                client.UseAdoNetClustering(o =>
                {
                    o.Invariant = PostgresInvariant;
                    o.ConnectionString = postgres;
                });
            }
        });
        return builder;
    }
}
