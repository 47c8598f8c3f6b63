using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrleansChat.Persistence.Attachments;
using OrleansChat.Persistence.Sqlite;

namespace OrleansChat.Persistence.Tests;

/// <summary>The conformance suite against the SQLite store; one chat.db per class, deleted afterwards.</summary>
public sealed class SqliteMessageStoreTests(SqliteTestDatabase database)
    : MessageStoreConformanceTests, IClassFixture<SqliteTestDatabase>
{
    protected override ValueTask<StoreUnderTest> CreateStoreAsync()
    {
        var store = database.OpenStore();
        return ValueTask.FromResult(new StoreUnderTest(store, store, store.DisposeAsync));
    }

    protected override IAttachmentStore Attachments => new FileAttachmentStore(database.Database);

    protected override ValueTask<bool> AttachmentBytesExistAsync(Guid attachmentId) =>
        ValueTask.FromResult(File.Exists(Path.Combine(database.DataDirectory, FileAttachmentStore.FolderName, attachmentId.ToString("N"))));

    protected override ValueTask<StoreUnderTest> CreateGatedStoreAsync(Func<int, Task> beforeTransactionAsync)
    {
        var store = database.OpenStore(beforeTransactionAsync: beforeTransactionAsync);
        return ValueTask.FromResult(new StoreUnderTest(store, store, store.DisposeAsync));
    }

    protected override async ValueTask<IReadOnlyList<RawMessageRow>> ReadRawRowsAsync(string chatId)
    {
        var rows = new List<RawMessageRow>();
        await using var connection = await database.Database.OpenConnectionAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, kind, content, mentions IS NOT NULL, deleted FROM messages WHERE chat_id = $chatId ORDER BY seq;";
        command.Parameters.AddWithValue("$chatId", chatId);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            rows.Add(new RawMessageRow(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3) != 0, reader.GetInt64(4) != 0));
        }

        return rows;
    }

    protected override ValueTask<long> CountRawReactionsAsync(string chatId) =>
        Count("SELECT COUNT(*) FROM message_reactions WHERE chat_id = $chatId;", chatId, text: null);

    protected override ValueTask<long> CountRowsHoldingAsync(string chatId, string text) =>
        Count(
            """
            SELECT (SELECT COUNT(*) FROM messages WHERE chat_id = $chatId AND (instr(content, $text) > 0 OR instr(coalesce(mentions, ''), $text) > 0))
                 + (SELECT COUNT(*) FROM push_outbox WHERE chat_id = $chatId AND instr(preview, $text) > 0);
            """,
            chatId,
            text);

    /// <summary>A file stands where the store's data folder should be, so its database can be neither created nor opened.</summary>
    protected override ValueTask<StoreUnderTest> CreateUnreachableStoreAsync()
    {
        var occupied = Path.Combine(database.DataDirectory, $"a-file-not-a-folder-{Guid.NewGuid():N}");
        File.WriteAllBytes(occupied, []);
        var options = Options.Create(new StorageOptions { DataDirectory = occupied });
        var sqlite = new SqliteDatabase(options, TimeProvider.System);
        var store = new SqliteMessageStore(sqlite, options, TestStorageMetrics.Create(), NullLogger<SqliteMessageStore>.Instance);
        return ValueTask.FromResult(new StoreUnderTest(store, store, async () =>
        {
            await store.DisposeAsync();
            sqlite.Dispose();
        }));
    }

    private async ValueTask<long> Count(string sql, string chatId, string? text)
    {
        await using var connection = await database.Database.OpenConnectionAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$chatId", chatId);
        if (text is not null)
        {
            command.Parameters.AddWithValue("$text", text);
        }

        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }
}
