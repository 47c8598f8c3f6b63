using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using OrleansChat.Persistence.Reading;
using OrleansChat.Persistence.Writing;

namespace OrleansChat.Persistence.Postgres;

/// <summary>
/// The cluster's message store and push outbox over PostgreSQL: <c>messages</c> hash-partitioned by chat id
/// (primary key <c>(chat_id, seq)</c>, unique <c>(chat_id, sender_id, client_msg_id)</c>) and <c>push_outbox</c>.
/// </summary>
/// <remarks>
/// <para>
/// Appends from all rooms of the silo go through one <see cref="AppendWriter"/> that merges the calls waiting for it into one
/// transaction (at most <see cref="PostgresStorageOptions.MaxMessagesPerTransaction"/> messages), so a busy silo pays
/// one commit for many rooms. A call's task completes only after that transaction commits.
/// </para>
/// <para>
/// A call whose seq is already taken (its room's last seq was stale, or another silo appended) fails alone with
/// <see cref="StoreUnavailableException"/> whose inner exception is the <see cref="PostgresException"/> (unique
/// violation); the other calls still commit (the writer retries the transaction with a savepoint per call only when
/// such a conflict happens). When the transaction itself fails (connection, deadlock, commit), every call in it
/// faults with <see cref="StoreUnavailableException"/> and nothing of it is stored. Reads that cannot reach the
/// database fault with <see cref="StoreUnavailableException"/> too.
/// </para>
/// <para>
/// Push-outbox rows are due at once: <c>created_at</c> and <c>next_attempt_at</c> are the message's
/// <see cref="NewMessage.SentAt"/>. Times come back in UTC with millisecond precision.
/// </para>
/// </remarks>
public sealed partial class PostgresMessageStore : IMessageStore, IPushOutbox, IAsyncDisposable, IDisposable
{
    private readonly PostgresDatabase _database;
    private readonly AppendWriter _writer;

    public PostgresMessageStore(
        PostgresDatabase database, IOptions<PostgresStorageOptions> options, StorageMetrics metrics, ILogger<PostgresMessageStore> logger)
        : this(database, options, metrics, logger, new PostgresAppendDialect(database))
    {
    }

    /// <summary>A store whose writer runs <paramref name="dialect"/>: for tests that wrap the PostgreSQL dialect.</summary>
    internal PostgresMessageStore(
        PostgresDatabase database,
        IOptions<PostgresStorageOptions> options,
        StorageMetrics metrics,
        ILogger<PostgresMessageStore> logger,
        IAppendDialect dialect)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(options);
        _database = database;
        _writer = new AppendWriter(nameof(PostgresMessageStore), options.Value.MaxMessagesPerTransaction, dialect, metrics, logger);
    }

    public Task<IReadOnlyList<AppendOutcome>> AppendAsync(ChatAppend append, CancellationToken cancellationToken = default) =>
        _writer.AppendAsync(append, cancellationToken);

    public Task<MessagePage> ReadAsync(string chatId, MessageRange range, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(chatId);
        ArgumentOutOfRangeException.ThrowIfLessThan(range.Limit, 1, nameof(range));

        return WithConnectionAsync(
            async connection =>
            {
                var command = connection.Command(
                    $"SELECT {PostgresRows.MessageColumns} FROM messages AS m WHERE m.chat_id = $1 AND m.seq > $2 AND m.seq < $3 ORDER BY m.seq {MessagePages.Order(range)} LIMIT $4;",
                    chatId,
                    range.AfterSeq,
                    range.BeforeSeq,
                    MessagePages.RowsToRead(range));
                await using (command.ConfigureAwait(false))
                {
                    return MessagePages.From(await command.ReadAllAsync(PostgresRows.ReadMessage, cancellationToken).ConfigureAwait(false), range);
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
                var command = connection.Command($"SELECT {PostgresRows.MessageColumns} FROM messages AS m WHERE m.chat_id = $1 ORDER BY m.seq DESC LIMIT 1;", chatId);
                await using (command.ConfigureAwait(false))
                {
                    var rows = await command.ReadAllAsync(PostgresRows.ReadMessage, cancellationToken).ConfigureAwait(false);
                    return rows.Count == 0 ? null : rows[0];
                }
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<MessageTarget>> GetTargetsAsync(string chatId, IReadOnlyCollection<long> seqs, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(chatId);
        ArgumentNullException.ThrowIfNull(seqs);
        if (seqs.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<MessageTarget>>([]);
        }

        return WithConnectionAsync<IReadOnlyList<MessageTarget>>(
            async connection =>
            {
                var command = PostgresChangeCommands.FindTargets(connection, transaction: null, chatId, seqs);
                await using (command.ConfigureAwait(false))
                {
                    return await command.ReadAllAsync(PostgresRows.ReadTarget, cancellationToken).ConfigureAwait(false);
                }
            },
            cancellationToken);
    }

    public Task<StoredMessage?> FindByClientMsgIdAsync(string chatId, string senderId, string clientMsgId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(chatId);
        ArgumentException.ThrowIfNullOrEmpty(senderId);
        ArgumentException.ThrowIfNullOrEmpty(clientMsgId);

        return WithConnectionAsync(
            async connection =>
            {
                var command = connection.Command(
                    $"SELECT {PostgresRows.MessageColumns} FROM messages AS m WHERE m.chat_id = $1 AND m.sender_id = $2 AND m.client_msg_id = $3;",
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
    public ValueTask DisposeAsync() => _writer.DisposeAsync();

    /// <summary>Stops taking appends without waiting: the ones already queued still commit in the background.</summary>
    public void Dispose() => _writer.Dispose();

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
