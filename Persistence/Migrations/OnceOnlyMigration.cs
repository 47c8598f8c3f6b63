namespace OrleansChat.Persistence.Migrations;

/// <summary>
/// Runs a database's migrations once per instance: the first caller migrates, concurrent callers wait for it, and
/// later calls return at once. A run that fails or is cancelled is tried again by the next caller.
/// </summary>
/// <param name="migrateAsync">Applies every migration not applied yet.</param>
internal sealed class OnceOnlyMigration(Func<CancellationToken, Task> migrateAsync) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _isMigrated;

    /// <summary>Migrates unless an earlier call already did.</summary>
    public async Task EnsureMigratedAsync(CancellationToken cancellationToken)
    {
        if (_isMigrated)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_isMigrated)
            {
                await migrateAsync(cancellationToken).ConfigureAwait(false);
                _isMigrated = true;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
