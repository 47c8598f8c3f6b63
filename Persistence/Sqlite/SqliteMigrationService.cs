using Microsoft.Extensions.Hosting;

namespace OrleansChat.Persistence.Sqlite;

/// <summary>Brings <c>chat.db</c> up to date when the host starts, so a broken file fails the start.</summary>
internal sealed class SqliteMigrationService(SqliteDatabase database) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => database.EnsureMigratedAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
