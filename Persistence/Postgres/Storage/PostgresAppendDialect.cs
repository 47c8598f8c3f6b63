using System.Data.Common;
using Npgsql;
using OrleansChat.Persistence.Writing;

namespace OrleansChat.Persistence.Postgres;

/// <summary>
/// PostgreSQL's part of the append transactions: each transaction on a pooled connection of its own, returned to the
/// pool when the transaction ends; each call written by <see cref="PostgresAppendCommands"/>.
/// </summary>
internal sealed class PostgresAppendDialect(PostgresDatabase database) : IAppendDialect
{
    /// <summary>The connection of the open transaction; only the writer loop calls, one transaction at a time.</summary>
    private NpgsqlConnection? _connection;

    public async Task<DbTransaction> BeginAsync(IReadOnlyList<ChatAppend> calls)
    {
        var connection = await database.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            var transaction = await connection.BeginTransactionAsync(CancellationToken.None).ConfigureAwait(false);
            _connection = connection;
            return transaction;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public Task<IReadOnlyList<AppendOutcome>> WriteCallAsync(DbTransaction transaction, ChatAppend append) =>
        PostgresAppendCommands.AppendAsync(_connection!, (NpgsqlTransaction)transaction, append);

    /// <summary>A unique violation: the call's seq (or client message id) is already stored.</summary>
    public bool IsSeqConflict(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    public async ValueTask EndAsync(DbTransaction transaction, bool failed)
    {
        var connection = _connection;
        _connection = null;
        try
        {
            await transaction.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
