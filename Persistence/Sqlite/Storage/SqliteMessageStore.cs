using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansChat.Persistence.Reading;
using OrleansChat.Persistence.Writing;

namespace OrleansChat.Persistence.Sqlite;

/// <summary>
/// The embedded message store and push outbox over <c>chat.db</c>.
/// </summary>
/// <remarks>
/// <para>
/// Appends from all rooms of the silo go through one <see cref="AppendWriter"/> that merges the calls waiting for it
/// into one transaction (at most <see cref="StorageOptions.MaxMessagesPerTransaction"/> messages), so a busy silo
/// pays one fsync for many rooms. A call's task completes only after that transaction commits.
/// </para>
/// <para>
/// A call whose seq is already taken (its room's last seq was stale) fails alone with
/// <see cref="StoreUnavailableException"/> whose inner exception is the <see cref="SqliteException"/>
/// (SQLITE_CONSTRAINT); the other calls of the transaction still commit (the writer retries the transaction with a
/// savepoint per call only when such a conflict happens). When the transaction itself fails (I/O, commit), every
/// call in it faults with <see cref="StoreUnavailableException"/> and nothing of it is stored.
/// </para>
/// <para>
/// Push-outbox rows are due at once: <c>created_at</c> and <c>next_attempt_at</c> are the message's
/// <see cref="NewMessage.SentAt"/>. Times come back with millisecond precision.
/// </para>
/// </remarks>
public sealed partial class SqliteMessageStore : IMessageStore, IPushOutbox, IAsyncDisposable, IDisposable
{
    private readonly SqliteDatabase _database;
    private readonly AppendWriter _writer;

    public SqliteMessageStore(SqliteDatabase database, IOptions<StorageOptions> options, StorageMetrics metrics, ILogger<SqliteMessageStore> logger)
        : this(database, options, metrics, logger, new SqliteAppendDialect(database))
    {
    }

    /// <summary>A store whose writer runs <paramref name="dialect"/>: for tests that wrap the SQLite dialect.</summary>
    internal SqliteMessageStore(
        SqliteDatabase database, IOptions<StorageOptions> options, StorageMetrics metrics, ILogger<SqliteMessageStore> logger, IAppendDialect dialect)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(options);
        _database = database;
        _writer = new AppendWriter(nameof(SqliteMessageStore), options.Value.MaxMessagesPerTransaction, dialect, metrics, logger);
    }

    public Task<IReadOnlyList<AppendOutcome>> AppendAsync(ChatAppend append, CancellationToken cancellationToken = default) =>
        _writer.AppendAsync(append, cancellationToken);

    public async Task<MessagePage> ReadAsync(string chatId, MessageRange range, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(chatId);
        ArgumentOutOfRangeException.ThrowIfLessThan(range.Limit, 1, nameof(range));

        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = connection.Command(
                    $"SELECT {SqliteRows.MessageColumns} FROM messages AS m WHERE m.chat_id = $chatId AND m.seq > $after AND m.seq < $before ORDER BY m.seq {MessagePages.Order(range)} LIMIT $take;")
                .With("$chatId", chatId)
                .With("$after", range.AfterSeq)
                .With("$before", range.BeforeSeq)
                .With("$take", MessagePages.RowsToRead(range));
            await using (command.ConfigureAwait(false))
            {
                return MessagePages.From(await SqliteRows.ReadAllAsync(command, SqliteRows.ReadMessage, cancellationToken).ConfigureAwait(false), range);
            }
        }
    }

    public async Task<StoredMessage?> GetLastAsync(string chatId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(chatId);

        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = connection.Command($"SELECT {SqliteRows.MessageColumns} FROM messages AS m WHERE m.chat_id = $chatId ORDER BY m.seq DESC LIMIT 1;")
                .With("$chatId", chatId);
            await using (command.ConfigureAwait(false))
            {
                var rows = await SqliteRows.ReadAllAsync(command, SqliteRows.ReadMessage, cancellationToken).ConfigureAwait(false);
                return rows.Count == 0 ? null : rows[0];
            }
        }
    }

    public async Task<IReadOnlyList<MessageTarget>> GetTargetsAsync(string chatId, IReadOnlyCollection<long> seqs, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(chatId);
        ArgumentNullException.ThrowIfNull(seqs);
        if (seqs.Count == 0)
        {
            return [];
        }

        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // The seqs travel as one JSON array, so any number of them is one statement with one parameter.
            var command = connection.Command(
                    $"SELECT {SqliteRows.TargetColumns} FROM messages WHERE chat_id = $chatId AND seq IN (SELECT value FROM json_each($seqs)) ORDER BY seq;")
                .With("$chatId", chatId)
                .With("$seqs", JsonSerializer.Serialize(seqs));
            await using (command.ConfigureAwait(false))
            {
                return await SqliteRows.ReadAllAsync(command, SqliteRows.ReadTarget, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async Task<StoredMessage?> FindByClientMsgIdAsync(string chatId, string senderId, string clientMsgId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(chatId);
        ArgumentException.ThrowIfNullOrEmpty(senderId);
        ArgumentException.ThrowIfNullOrEmpty(clientMsgId);

        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = connection.Command(
                    $"SELECT {SqliteRows.MessageColumns} FROM messages AS m WHERE m.chat_id = $chatId AND m.sender_id = $senderId AND m.client_msg_id = $clientMsgId;")
                .With("$chatId", chatId)
                .With("$senderId", senderId)
                .With("$clientMsgId", clientMsgId);
            await using (command.ConfigureAwait(false))
            {
                var rows = await SqliteRows.ReadAllAsync(command, SqliteRows.ReadMessage, cancellationToken).ConfigureAwait(false);
                return rows.Count == 0 ? null : rows[0];
            }
        }
    }

    public async Task CheckHealthAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                await connection.ExecuteAsync("SELECT 1;", transaction: null, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is SqliteException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            throw new StoreUnavailableException($"The SQLite database '{_database.FilePath}' cannot be used.", exception);
        }
    }

    /// <summary>Stops taking appends, commits the ones already queued, closes the writer connection, then returns.</summary>
    public ValueTask DisposeAsync() => _writer.DisposeAsync();

    /// <summary>
    /// Stops taking appends without waiting: the ones already queued still commit in the background, and the writer
    /// connection closes after them.
    /// </summary>
    public void Dispose() => _writer.Dispose();
}
