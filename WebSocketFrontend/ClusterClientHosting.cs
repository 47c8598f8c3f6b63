using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Hosting;

namespace OrleansChat.Gateway;

public static partial class ClusterClientHosting
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
        builder.Services.AddSingleton<IClientConnectionRetryFilter, RetryUntilTheClusterAnswers>();
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

    /// <summary>
    /// A gateway may start before the silos (or before their migrations made the membership table): it keeps
    /// trying, every few seconds, until the cluster answers or the process stops.
    /// </summary>
    private sealed partial class RetryUntilTheClusterAnswers(ILogger<RetryUntilTheClusterAnswers> logger) : IClientConnectionRetryFilter
    {
        private static readonly TimeSpan Pause = TimeSpan.FromSeconds(2);

        public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
        {
            LogNotReachable(exception.Message);
            try
            {
                await Task.Delay(Pause, cancellationToken);
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        [LoggerMessage(Level = LogLevel.Warning, Message = "The cluster is not reachable yet ({Reason}); trying again")]
        private partial void LogNotReachable(string reason);
    }
}
