using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansChat.Persistence.Sqlite;

/// <summary>
/// The embedded message store and push outbox over <c>chat.db</c>.
/// </summary>
/// <remarks>
/// <para>
/// Appends from all rooms of the silo go through one writer loop that merges the calls waiting for it
/// into one transaction (at most <see cref="StorageOptions.MaxMessagesPerTransaction"/> messages), so a
/// busy silo pays one fsync for many rooms. A call's task completes only after that transaction commits.
/// </para>
/// <para>
/// Each call is written inside its own savepoint: a call whose seq is already taken (its room's last seq
/// was stale) is rolled back alone and faults with <see cref="StoreUnavailableException"/> whose inner
/// exception is the <see cref="SqliteException"/> (SQLITE_CONSTRAINT); the other calls of the transaction
/// still commit. When the transaction itself fails (I/O, commit), every call in it faults with
/// <see cref="StoreUnavailableException"/> and nothing of it is stored.
/// </para>
/// <para>
/// Push-outbox rows are due at once: <c>created_at</c> and <c>next_attempt_at</c> are the message's
/// <see cref="NewMessage.SentAt"/>. Times come back with millisecond precision.
/// </para>
/// </remarks>
public sealed partial class SqliteMessageStore : IMessageStore, IPushOutbox, IAsyncDisposable, IDisposable
{
    private readonly SqliteDatabase _database;
    private readonly ILogger<SqliteMessageStore> _logger;
    private readonly AppendBatcher _batcher;

    public SqliteMessageStore(SqliteDatabase database, IOptions<StorageOptions> options, ILogger<SqliteMessageStore> logger)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Value.MaxMessagesPerTransaction, 1, nameof(options));
        _database = database;
        _logger = logger;
        _batcher = new AppendBatcher(nameof(SqliteMessageStore), options.Value.MaxMessagesPerTransaction, WriteTransactionAsync, logger);
    }

    public Task<IReadOnlyList<AppendOutcome>> AppendAsync(ChatAppend append, CancellationToken cancellationToken = default) =>
        _batcher.AppendAsync(append, cancellationToken);

    public async Task<MessagePage> ReadAsync(string chatId, MessageRange range, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(chatId);
        ArgumentOutOfRangeException.ThrowIfLessThan(range.Limit, 1, nameof(range));

        var order = range.FromNewest ? "DESC" : "ASC";
        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = connection.Command(
                    $"SELECT {SqliteRows.MessageColumns} FROM messages WHERE chat_id = $chatId AND seq > $after AND seq < $before ORDER BY seq {order} LIMIT $take;")
                .With("$chatId", chatId)
                .With("$after", range.AfterSeq)
                .With("$before", range.BeforeSeq)
                .With("$take", (long)range.Limit + 1);
            await using (command.ConfigureAwait(false))
            {
                var rows = await SqliteRows.ReadAllAsync(command, SqliteRows.ReadMessage, cancellationToken).ConfigureAwait(false);
                var hasMore = rows.Count > range.Limit;
                if (hasMore)
                {
                    rows.RemoveAt(rows.Count - 1);
                }

                if (range.FromNewest)
                {
                    rows.Reverse();
                }

                return new MessagePage(rows, hasMore);
            }
        }
    }

    public async Task<StoredMessage?> FindByClientMsgIdAsync(string chatId, string senderId, string clientMsgId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(chatId);
        ArgumentNullException.ThrowIfNull(senderId);
        ArgumentNullException.ThrowIfNull(clientMsgId);

        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = FindMessageCommand(connection, transaction: null, chatId, senderId, clientMsgId);
            await using (command.ConfigureAwait(false))
            {
                var rows = await SqliteRows.ReadAllAsync(command, SqliteRows.ReadMessage, cancellationToken).ConfigureAwait(false);
                return rows.Count == 0 ? null : rows[0];
            }
        }
    }

    public async Task<StoredMessage?> GetLastAsync(string chatId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(chatId);

        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = connection.Command($"SELECT {SqliteRows.MessageColumns} FROM messages WHERE chat_id = $chatId ORDER BY seq DESC LIMIT 1;")
                .With("$chatId", chatId);
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
    public async ValueTask DisposeAsync()
    {
        await _batcher.DisposeAsync().ConfigureAwait(false);
        await CloseWriterAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Stops taking appends without waiting: the ones already queued still commit in the background, and the writer
    /// connection closes after them.
    /// </summary>
    public void Dispose()
    {
        _batcher.Dispose();
        _ = DisposeAsync().AsTask();
    }

    private static SqliteCommand FindMessageCommand(SqliteConnection connection, SqliteTransaction? transaction, string chatId, string senderId, string clientMsgId) =>
        connection.Command(
                $"SELECT {SqliteRows.MessageColumns} FROM messages WHERE chat_id = $chatId AND sender_id = $senderId AND client_msg_id = $clientMsgId;",
                transaction)
            .With("$chatId", chatId)
            .With("$senderId", senderId)
            .With("$clientMsgId", clientMsgId);
}
