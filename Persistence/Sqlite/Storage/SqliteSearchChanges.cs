using Microsoft.Data.Sqlite;

namespace OrleansChat.Persistence.Sqlite;

/// <summary>
/// The <c>message_search</c> writes of edits and deletes, deferred to the end of the append transaction
/// (<see cref="WriteAsync"/>) and made there in rowid order.
/// </summary>
/// <remarks>
/// FTS5 holds a transaction's new index entries in memory only while its rows are written in ascending rowid order; a
/// write to an older row first flushes them to a new segment, and every segment adds to FTS5's merge work. An edit or a
/// delete writes an older row almost always (its text came before the texts of the transaction), so written where they
/// occur, a transaction's edits cost one flush each: the append probe measured an edit at several times a text, with a
/// tail of milliseconds. Deferred and sorted, they flush once per transaction. Each one's row is found when the change
/// is applied, and nothing reads <c>message_search</c> inside an append transaction, so a search sees the same rows.
/// </remarks>
internal sealed class SqliteSearchChanges : IAsyncDisposable
{
    /// <summary>The <c>message_search</c> row of the text at <c>$target</c>: in its sent time's rowids, with its chat and seq.</summary>
    private static readonly string TargetSearchRow = $"""
        rowid >= (SELECT {SqliteSearch.RowidBaseSql("sent_at")} FROM messages WHERE chat_id = $chatId AND seq = $target)
        AND rowid < (SELECT {SqliteSearch.RowidBaseSql("sent_at")} + {SqliteSearch.RowsPerMillisecond} FROM messages WHERE chat_id = $chatId AND seq = $target)
        AND chat_id = $chatId AND seq = $target
        """;

    private readonly SqliteCommand _findRow;
    private readonly SqliteCommand _update;
    private readonly SqliteCommand _delete;
    private readonly List<Pending> _pending = [];

    public SqliteSearchChanges(SqliteConnection connection)
    {
        _findRow = SqliteChangeCommands.Prepare(connection, $"SELECT rowid FROM message_search WHERE {TargetSearchRow};", "$chatId", "$target");

        // The guard is checked when the write is made: an edit followed by a delete of its text in the same transaction
        // then updates nothing, and the delete's write, after it, removes the row.
        _update = SqliteChangeCommands.Prepare(
            connection,
            """
            UPDATE message_search SET words = $words
            WHERE rowid = $rowid AND EXISTS (SELECT 1 FROM messages WHERE chat_id = $chatId AND seq = $target AND kind = 'text' AND deleted = 0);
            """,
            "$rowid",
            "$words",
            "$chatId",
            "$target");
        _delete = SqliteChangeCommands.Prepare(connection, "DELETE FROM message_search WHERE rowid = $rowid;", "$rowid");
    }

    /// <summary>How many writes are deferred: where a call's own begin, for <see cref="Forget"/>.</summary>
    public int Count => _pending.Count;

    /// <summary>Runs the statements inside <paramref name="transaction"/> from now on; a new transaction has nothing deferred.</summary>
    public void Enlist(SqliteTransaction? transaction)
    {
        _pending.Clear();
        _findRow.Transaction = transaction;
        _update.Transaction = transaction;
        _delete.Transaction = transaction;
    }

    /// <summary>Defers the new words (<see cref="SqliteSearch.RowOfWords"/>) of the text at <paramref name="target"/>.</summary>
    public Task EditAsync(string chatId, long target, string row) => DeferAsync(chatId, target, row);

    /// <summary>Defers the removal of the text at <paramref name="target"/> from the index.</summary>
    public Task DeleteAsync(string chatId, long target) => DeferAsync(chatId, target, row: null);

    /// <summary>Drops the writes deferred after the first <paramref name="count"/>: those of a call that was undone.</summary>
    public void Forget(int count) => _pending.RemoveRange(count, _pending.Count - count);

    /// <summary>Makes the deferred writes, by rowid and, for one row, in the order they were deferred (the changes' seq order).</summary>
    public async Task WriteAsync()
    {
        if (_pending.Count == 0)
        {
            return;
        }

        _pending.Sort(static (a, b) => a.Rowid != b.Rowid ? a.Rowid.CompareTo(b.Rowid) : a.Order.CompareTo(b.Order));
        foreach (var pending in _pending)
        {
            if (pending.Row is { } row)
            {
                _update.Parameters["$rowid"].Value = pending.Rowid;
                _update.Parameters["$words"].Value = row;
                _update.Parameters["$chatId"].Value = pending.ChatId;
                _update.Parameters["$target"].Value = pending.Target;
                await _update.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
            else
            {
                _delete.Parameters["$rowid"].Value = pending.Rowid;
                await _delete.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
        }

        _pending.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        await _findRow.DisposeAsync().ConfigureAwait(false);
        await _update.DisposeAsync().ConfigureAwait(false);
        await _delete.DisposeAsync().ConfigureAwait(false);
    }

    private async Task DeferAsync(string chatId, long target, string? row)
    {
        _findRow.Parameters["$chatId"].Value = chatId;
        _findRow.Parameters["$target"].Value = target;
        if (await _findRow.ExecuteScalarAsync().ConfigureAwait(false) is long rowid)
        {
            _pending.Add(new Pending(rowid, _pending.Count, row, chatId, target));
        }
    }

    /// <param name="Row">The new words of an edit; null for a delete.</param>
    private readonly record struct Pending(long Rowid, int Order, string? Row, string ChatId, long Target);
}
