using Npgsql;
using OrleansChat.Persistence.Attachments;

namespace OrleansChat.Persistence.Tests;

/// <summary>The conformance suite against the PostgreSQL store; one database per class on the shared test server.</summary>
public sealed class PostgresMessageStoreTests(PostgresTestDatabase database)
    : MessageStoreConformanceTests, IClassFixture<PostgresTestDatabase>
{
    private PostgresTestDatabase.StoreOverDatabase? _opened;

    protected override IAttachmentStore Attachments => new PostgresAttachmentStore(_opened!.Database);

    protected override async ValueTask<bool> AttachmentBytesExistAsync(Guid attachmentId)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM attachment_chunks WHERE attachment_id = $1;", connection)
        {
            Parameters = { new NpgsqlParameter<Guid> { TypedValue = attachmentId } },
        };
        return (long)(await command.ExecuteScalarAsync(Ct))! > 0;
    }

    protected override ValueTask<StoreUnderTest> CreateStoreAsync()
    {
        var opened = _opened = database.OpenStore();
        return ValueTask.FromResult(new StoreUnderTest(opened.Store, opened.Store, opened.DisposeAsync));
    }

    protected override ValueTask<StoreUnderTest> CreateGatedStoreAsync(Func<int, Task> beforeTransactionAsync)
    {
        var opened = database.OpenStore(beforeTransactionAsync: beforeTransactionAsync);
        return ValueTask.FromResult(new StoreUnderTest(opened.Store, opened.Store, opened.DisposeAsync));
    }

    protected override async ValueTask<IReadOnlyList<RawMessageRow>> ReadRawRowsAsync(string chatId)
    {
        var rows = new List<RawMessageRow>();
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(
            "SELECT seq, kind, content, mentions IS NOT NULL, deleted FROM messages WHERE chat_id = $1 ORDER BY seq;", connection)
        {
            Parameters = { new NpgsqlParameter<string> { TypedValue = chatId } },
        };
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            rows.Add(new RawMessageRow(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetBoolean(3), reader.GetBoolean(4)));
        }

        return rows;
    }

    protected override ValueTask<long> CountRawReactionsAsync(string chatId) =>
        Count("SELECT count(*) FROM message_reactions WHERE chat_id = $1;", chatId);

    protected override ValueTask<long> CountRowsHoldingAsync(string chatId, string text) =>
        Count(
            """
            SELECT (SELECT count(*) FROM messages
                    WHERE chat_id = $1 AND (strpos(content, $2) > 0 OR strpos(coalesce(array_to_string(mentions, ' '), ''), $2) > 0))
                 + (SELECT count(*) FROM push_outbox WHERE chat_id = $1 AND strpos(preview, $2) > 0);
            """,
            chatId,
            text);

    /// <summary>A store whose connection string names a loopback port nothing listens on.</summary>
    protected override ValueTask<StoreUnderTest> CreateUnreachableStoreAsync()
    {
        database.Require();
        var opened = new PostgresTestDatabase.StoreOverDatabase(PostgresTestDatabase.Open(PostgresTestDatabase.UnreachableConnectionString()), 2000);
        return ValueTask.FromResult(new StoreUnderTest(opened.Store, opened.Store, opened.DisposeAsync));
    }

    private async ValueTask<long> Count(string sql, params string[] values)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = value });
        }

        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }
}
