using System.Data.Common;
using Microsoft.Data.Sqlite;
using OrleansChat.Persistence.Writing;

namespace OrleansChat.Persistence.Sqlite;

/// <summary>
/// SQLite's part of the append transactions: the writer loop's own connection with its prepared statements, opened
/// (pragmas included) for the first transaction and kept for the next ones, since the loop runs one at a time.
/// Dropped when a transaction fails, so the next one starts on a fresh connection; closed when the loop ends.
/// </summary>
internal sealed class SqliteAppendDialect(SqliteDatabase database) : IAppendDialect
{
    /// <summary>SQLITE_CONSTRAINT: the call's seq (or client message id) is already stored.</summary>
    private const int SqliteConstraint = 19;

    /// <summary>The writer connection's page cache: 64 MiB.</summary>
    private const int WriterCacheKiB = 64 * 1024;

    private SqliteConnection? _connection;
    private SqliteAppendCommands? _commands;

    public async Task<DbTransaction> BeginAsync(IReadOnlyList<ChatAppend> calls)
    {
        // Only the writer loop gets here, on a thread-pool thread (never a grain's turn), one transaction at a time.
        try
        {
            if (_connection is null)
            {
                _connection = await database.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);

                // Every append touches the rightmost pages of the messages table and scattered pages of its unique
                // index; SQLite's default 2 MiB cache made the writer read those back from the file over and over.
                await _connection.ExecuteAsync($"PRAGMA cache_size = -{WriterCacheKiB};", transaction: null, CancellationToken.None).ConfigureAwait(false);
                _commands = new SqliteAppendCommands(_connection, database.DataDirectory);
            }

            // BEGIN IMMEDIATE: the write lock is taken up front.
            var transaction = (SqliteTransaction)await _connection.BeginTransactionAsync(CancellationToken.None).ConfigureAwait(false);
            _commands!.Enlist(transaction);
            return transaction;
        }
        catch
        {
            await DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public Task<IReadOnlyList<AppendOutcome>> WriteCallAsync(DbTransaction transaction, ChatAppend append) =>
        _commands!.AppendAsync(append);

    public Task FinishAsync(DbTransaction transaction) => _commands!.FinishAsync();

    public ValueTask CommittedAsync() => _commands?.Attachments.RemoveDeletedFilesAsync() ?? ValueTask.CompletedTask;

    public bool IsSeqConflict(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: SqliteConstraint };

    public async ValueTask EndAsync(DbTransaction transaction, bool failed)
    {
        // The connection's state is not known after a failed transaction: the next one opens a new connection.
        var close = failed;
        try
        {
            _commands?.Enlist(null);
            await transaction.DisposeAsync().ConfigureAwait(false);
        }
        catch
        {
            close = true;
            throw;
        }
        finally
        {
            if (close)
            {
                await DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Closes the writer connection, if open; only when no transaction runs on it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_commands is { } commands)
        {
            _commands = null;
            await commands.DisposeAsync().ConfigureAwait(false);
        }

        if (_connection is { } connection)
        {
            _connection = null;
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
