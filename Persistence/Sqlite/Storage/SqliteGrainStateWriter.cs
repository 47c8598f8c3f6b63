using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace OrleansChat.Persistence.Sqlite;

/// <summary>
/// The silo's grain-state changes to <c>chat.db</c>, queued and written by one loop: the changes waiting when the loop
/// comes round are merged, oldest first and up to <c>Storage:MaxMessagesPerTransaction</c>, into one transaction, so a
/// burst of grain writes (200 assistant jobs starting at once) pays one commit and its <c>fsync</c>, not one each, and
/// never queues on SQLite's write lock, whose busy handler sleeps. Each change's task completes once its transaction
/// has committed.
/// </summary>
/// <remarks>
/// A change whose ETag no longer matches answers so alone (<see cref="GrainStateOutcome.Matched"/> false); the others
/// commit. A transaction that fails fails every change of it, and the loop goes on. A change cancelled before the loop takes it is
/// skipped; once taken, it is written. After <see cref="DisposeAsync"/> new changes fault with
/// <see cref="ObjectDisposedException"/>, and the queued ones still commit.
/// </remarks>
internal sealed class SqliteGrainStateWriter : IAsyncDisposable, IDisposable
{
    private readonly SqliteDatabase _database;
    private readonly int _maxPerTransaction;
    private readonly Channel<GrainStateChange> _changes = Channel.CreateUnbounded<GrainStateChange>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
    private readonly Task _loop;

    public SqliteGrainStateWriter(SqliteDatabase database, IOptions<StorageOptions> options)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(options);
        _database = database;
        _maxPerTransaction = Math.Max(1, options.Value.MaxMessagesPerTransaction);
        _loop = Task.Run(RunLoopAsync);
    }

    /// <summary>Queues <paramref name="change"/>; its task answers once the transaction that holds it has committed.</summary>
    public Task<GrainStateOutcome> ChangeAsync(GrainStateChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<GrainStateOutcome>(cancellationToken);
        }

        change.CancellationToken = cancellationToken;
        return _changes.Writer.TryWrite(change)
            ? change.Completion.Task
            : Task.FromException<GrainStateOutcome>(new ObjectDisposedException(nameof(SqliteGrainStateWriter)));
    }

    /// <summary>Stops taking changes and returns once the queued ones are written.</summary>
    public async ValueTask DisposeAsync()
    {
        _changes.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    /// <summary>Stops taking changes without waiting (a container disposed synchronously): the queued ones still commit.</summary>
    public void Dispose() => _changes.Writer.TryComplete();

    private async Task RunLoopAsync()
    {
        var reader = _changes.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var batch = new List<GrainStateChange>();
            while (batch.Count < _maxPerTransaction && reader.TryRead(out var change))
            {
                if (change.CancellationToken.IsCancellationRequested)
                {
                    change.Completion.TrySetCanceled(change.CancellationToken);
                }
                else
                {
                    batch.Add(change);
                }
            }

            if (batch.Count > 0)
            {
                await WriteAndAnswerAsync(batch).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Writes the batch in one transaction and answers every change of it, whatever happens.</summary>
    private async Task WriteAndAnswerAsync(List<GrainStateChange> batch)
    {
        var outcomes = new GrainStateOutcome[batch.Count];
        try
        {
            var connection = await _database.OpenConnectionAsync().ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var transaction = (SqliteTransaction)await connection.BeginTransactionAsync().ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    for (var i = 0; i < batch.Count; i++)
                    {
                        outcomes[i] = await batch[i].ApplyAsync(connection, transaction).ConfigureAwait(false);
                    }

                    await transaction.CommitAsync().ConfigureAwait(false);
                }
            }
        }
#pragma warning disable CA1031 // The loop must survive any failure: it is handed to the changes instead.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            foreach (var change in batch)
            {
                change.Completion.TrySetException(exception);
            }

            return;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Completion.TrySetResult(outcomes[i]);
        }
    }
}
