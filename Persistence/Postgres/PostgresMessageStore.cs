using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace OrleansChat.Persistence.Postgres;

/// <summary>
/// The cluster's message store and push outbox over PostgreSQL: <c>messages</c> hash-partitioned by chat id
/// (primary key <c>(chat_id, seq)</c>, unique <c>(chat_id, sender_id, client_msg_id)</c>) and <c>push_outbox</c>.
/// </summary>
/// <remarks>
/// <para>
/// Appends from all rooms of the silo go through one writer loop that merges the calls waiting for it into one
/// transaction (at most <see cref="PostgresStorageOptions.MaxMessagesPerTransaction"/> messages), so a busy silo pays
/// one commit for many rooms. A call's task completes only after that transaction commits.
/// </para>
/// <para>
/// Each call is written inside its own savepoint: a call whose seq is already taken (its room's last seq was stale,
/// or another silo appended) is rolled back alone and faults with <see cref="StoreUnavailableException"/> whose inner
/// exception is the <see cref="PostgresException"/> (unique violation); the other calls still commit. When the
/// transaction itself fails (connection, deadlock, commit), every call in it faults with
/// <see cref="StoreUnavailableException"/> and nothing of it is stored. Reads that cannot reach the database fault
/// with <see cref="StoreUnavailableException"/> too.
/// </para>
/// <para>
/// Push-outbox rows are due at once: <c>created_at</c> and <c>next_attempt_at</c> are the message's
/// <see cref="NewMessage.SentAt"/>. Times come back in UTC with millisecond precision.
/// </para>
/// </remarks>
public sealed partial class PostgresMessageStore : IMessageStore, IPushOutbox, IAsyncDisposable, IDisposable
{
    private readonly PostgresDatabase _database;
    private readonly ILogger<PostgresMessageStore> _logger;
    private readonly AppendBatcher _batcher;

    public PostgresMessageStore(PostgresDatabase database, IOptions<PostgresStorageOptions> options, ILogger<PostgresMessageStore> logger)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Value.MaxMessagesPerTransaction, 1, nameof(options));
        _database = database;
        _logger = logger;
        _batcher = new AppendBatcher(nameof(PostgresMessageStore), options.Value.MaxMessagesPerTransaction, WriteTransactionAsync, logger);
    }

    public Task<IReadOnlyList<AppendOutcome>> AppendAsync(ChatAppend append, CancellationToken cancellationToken = default) =>
        _batcher.AppendAsync(append, cancellationToken);

    public Task<MessagePage> ReadAsync(string chatId, MessageRange range, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(chatId);
        ArgumentOutOfRangeException.ThrowIfLessThan(range.Limit, 1, nameof(range));

        var order = range.FromNewest ? "DESC" : "ASC";
        return WithConnectionAsync(
            async connection =>
            {
                var command = connection.Command(
                    $"SELECT {PostgresRows.MessageColumns} FROM messages WHERE chat_id = $1 AND seq > $2 AND seq < $3 ORDER BY seq {order} LIMIT $4;",
                    chatId,
                    range.AfterSeq,
                    range.BeforeSeq,
                    (long)range.Limit + 1);
                await using (command.ConfigureAwait(false))
                {
                    var rows = await command.ReadAllAsync(PostgresRows.ReadMessage, cancellationToken).ConfigureAwait(false);
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
            },
            cancellationToken);
    }

    public Task<StoredMessage?> FindByClientMsgIdAsync(string chatId, string senderId, string clientMsgId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(chatId);
        ArgumentNullException.ThrowIfNull(senderId);
        ArgumentNullException.ThrowIfNull(clientMsgId);

        return WithConnectionAsync(
            async connection =>
            {
                var command = connection.Command(
                    $"SELECT {PostgresRows.MessageColumns} FROM messages WHERE chat_id = $1 AND sender_id = $2 AND client_msg_id = $3;",
                    chatId,
                    senderId,
                    clientMsgId);
                await using (command.ConfigureAwait(false))
                {
                    var rows = await command.ReadAllAsync(PostgresRows.ReadMessage, cancellationToken).ConfigureAwait(false);
                    return rows.Count == 0 ? null : rows[0];
                }
            },
            cancellationToken);
    }

    public Task<StoredMessage?> GetLastAsync(string chatId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(chatId);

        return WithConnectionAsync(
            async connection =>
            {
                var command = connection.Command($"SELECT {PostgresRows.MessageColumns} FROM messages WHERE chat_id = $1 ORDER BY seq DESC LIMIT 1;", chatId);
                await using (command.ConfigureAwait(false))
                {
                    var rows = await command.ReadAllAsync(PostgresRows.ReadMessage, cancellationToken).ConfigureAwait(false);
                    return rows.Count == 0 ? null : rows[0];
                }
            },
            cancellationToken);
    }

    /// <remarks>Opens a connection without waiting for migrations and runs <c>SELECT 1</c>.</remarks>
    public async Task CheckHealthAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var connection = await _database.OpenUnmigratedConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                await connection.ExecuteAsync("SELECT 1;", cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (PostgresRows.IsUnavailable(exception))
        {
            throw new StoreUnavailableException($"The PostgreSQL database '{_database.DisplayName}' cannot be used.", exception);
        }
    }

    /// <summary>Stops taking appends, commits the ones already queued, then returns.</summary>
    public ValueTask DisposeAsync() => _batcher.DisposeAsync();

    /// <summary>Stops taking appends without waiting: the ones already queued still commit in the background.</summary>
    public void Dispose() => _batcher.Dispose();

    /// <summary>Runs <paramref name="work"/> on a pooled connection; failures to reach the database become <see cref="StoreUnavailableException"/>.</summary>
    private async Task<T> WithConnectionAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                return await work(connection).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (PostgresRows.IsUnavailable(exception) && !cancellationToken.IsCancellationRequested)
        {
            throw new StoreUnavailableException($"The PostgreSQL database '{_database.DisplayName}' cannot be used.", exception);
        }
    }
}
