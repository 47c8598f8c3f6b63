using Microsoft.Extensions.Hosting;

namespace OrleansChat.Persistence.Migrations;

/// <summary>A database that brings its schema up to date once, on the first call.</summary>
internal interface IMigratingDatabase
{
    Task EnsureMigratedAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Brings a database's schema up to date when the host starts, so an unreachable or broken database fails the start.
/// Hosted services start in registration order: storage registered before <c>UseOrleans</c> migrates before the
/// ADO.NET providers read <c>OrleansQuery</c>.
/// </summary>
internal sealed class MigrationHostedService<TDatabase>(TDatabase database) : IHostedService
    where TDatabase : IMigratingDatabase
{
    public Task StartAsync(CancellationToken cancellationToken) => database.EnsureMigratedAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
