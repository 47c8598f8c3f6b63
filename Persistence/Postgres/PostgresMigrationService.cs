using Microsoft.Extensions.Hosting;

namespace OrleansChat.Persistence.Postgres;

/// <summary>
/// Brings the PostgreSQL schema up to date when the host starts, so an unreachable or broken database fails the
/// start. Hosted services start in registration order: register storage before <c>UseOrleans</c> so this runs
/// before the ADO.NET providers read <c>OrleansQuery</c>.
/// </summary>
internal sealed class PostgresMigrationService(PostgresDatabase database) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => database.EnsureMigratedAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
