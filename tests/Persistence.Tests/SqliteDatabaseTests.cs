using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using OrleansChat.Persistence.Sqlite;
using OrleansChat.TestInfrastructure;

namespace OrleansChat.Persistence.Tests;

public sealed class SqliteDatabaseTests : IDisposable
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_780_000_000_000);

    private readonly SqliteTestDatabase _files = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task The_database_file_and_its_directory_are_created_on_first_use()
    {
        using var directory = new ScratchDirectory("orleanschat-persistence-tests");
        var dataDirectory = Path.Combine(directory.Path, "nested", "data");
        using var database = new SqliteDatabase(Microsoft.Extensions.Options.Options.Create(new StorageOptions { DataDirectory = dataDirectory }), TimeProvider.System);

        await database.EnsureMigratedAsync(Ct);

        Assert.True(File.Exists(Path.Combine(dataDirectory, "chat.db")));
        Assert.Equal(Path.Combine(Path.GetFullPath(dataDirectory), "chat.db"), database.FilePath);
    }

    [Fact]
    public async Task A_new_database_is_migrated_to_the_latest_version_on_first_use()
    {
        await using var connection = await _files.Database.OpenConnectionAsync(Ct);

        Assert.Equal([1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L], await Column<long>(connection, "SELECT version FROM schema_migrations ORDER BY version;"));
        Assert.Equal(
            ["attachments", "grain_state", "message_reactions", "message_search", "message_search_config", "message_search_content", "message_search_data",
             "message_search_docsize", "message_search_idx", "messages", "push_outbox", "schema_migrations", "search_words"],
            await Column<string>(connection, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name;"));
    }

    [Fact]
    public async Task Every_connection_handed_out_new_or_again_from_the_pool_writes_durably_with_foreign_keys_and_the_busy_timeout()
    {
        // synchronous = FULL (2), foreign_keys = ON (1), busy_timeout = Storage:BusyTimeout's default in milliseconds.
        long[] durable = [2, 1, 30_000];
        SQLitePCL.sqlite3 reused;
        await using (var first = await _files.Database.OpenConnectionAsync(Ct))
        {
            await using var second = await _files.Database.OpenConnectionAsync(Ct);
            Assert.Equal(durable, await Settings(first));
            Assert.Equal(durable, await Settings(second));
            reused = first.Handle!;
        }

        await using var again = await _files.Database.OpenConnectionAsync(Ct);
        await using var third = await _files.Database.OpenConnectionAsync(Ct);

        Assert.Contains(reused, new[] { again.Handle, third.Handle });
        Assert.Equal(durable, await Settings(again));
        Assert.Equal(durable, await Settings(third));

        static async Task<long[]> Settings(SqliteConnection connection) =>
        [
            (await Column<long>(connection, "PRAGMA synchronous;")).Single(),
            (await Column<long>(connection, "PRAGMA foreign_keys;")).Single(),
            (await Column<long>(connection, "PRAGMA busy_timeout;")).Single(),
        ];
    }

    [Fact]
    public async Task A_version_1_database_with_data_is_upgraded_to_the_latest_version_keeping_its_data()
    {
        var messageId = Guid.CreateVersion7();
        await _files.Database.MigrateAsync(1, Ct);
        await using (var connection = await _files.Database.OpenUnmigratedConnectionAsync(Ct))
        {
            Assert.Equal([1L], await Column<long>(connection, "SELECT version FROM schema_migrations;"));
            await Execute(connection, $"""
                INSERT INTO messages VALUES ('room', 1, '{messageId}', 'alice', 'c1', 'kept', {T0.ToUnixTimeMilliseconds()});
                INSERT INTO push_outbox (recipient_id, device_id, chat_id, seq, message_id, sender_id, preview, created_at, attempts, next_attempt_at)
                VALUES ('bob', 'phone', 'room', 1, '{messageId}', 'alice', 'kept', {T0.ToUnixTimeMilliseconds()}, 0, {T0.ToUnixTimeMilliseconds()});
                """);
        }

        _files.Reopen();
        await using var store = _files.OpenStore();
        var page = await store.ReadAsync("room", MessageRange.After(0, 10), Ct);
        var outbox = await store.ListAsync(10, Ct);

        Assert.Equal([new StoredMessage("room", 1, messageId, "alice", "c1", "kept", T0)], page.Messages);
        Assert.Equal([("bob", "phone", 1L, "kept")], outbox.Select(r => (r.RecipientId, r.DeviceId, r.Seq, r.Preview)));
        await using var connectionAfter = await _files.Database.OpenConnectionAsync(Ct);
        Assert.Equal([1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L], await Column<long>(connectionAfter, "SELECT version FROM schema_migrations ORDER BY version;"));
        Assert.Equal(0L, await Scalar(connectionAfter, "SELECT COUNT(*) FROM grain_state;"));
    }

    [Fact]
    public async Task A_version_2_database_with_messages_is_upgraded_in_place_and_reads_them_back_as_unchanged_texts_that_take_changes()
    {
        var first = Guid.CreateVersion7();
        var second = Guid.CreateVersion7();
        await _files.Database.MigrateAsync(2, Ct);
        await using (var connection = await _files.Database.OpenUnmigratedConnectionAsync(Ct))
        {
            Assert.Equal([1L, 2L], await Column<long>(connection, "SELECT version FROM schema_migrations ORDER BY version;"));
            await Execute(connection, $"""
                INSERT INTO messages VALUES ('room', 1, '{first}', 'alice', 'c1', 'héllo 👋 @bob', {T0.ToUnixTimeMilliseconds()});
                INSERT INTO messages VALUES ('room', 2, '{second}', 'bob', 'c2', 'second', {T0.AddSeconds(1).ToUnixTimeMilliseconds()});
                """);
        }

        _files.Reopen();
        await using var store = _files.OpenStore();
        var page = await store.ReadAsync("room", MessageRange.After(0, 10), Ct);

        Assert.Equal(
            [new StoredMessage("room", 1, first, "alice", "c1", "héllo 👋 @bob", T0), new StoredMessage("room", 2, second, "bob", "c2", "second", T0.AddSeconds(1))],
            page.Messages);
        Assert.All(page.Messages, m => Assert.Equal((MessageKind.Text, false, (DateTimeOffset?)null), (m.Kind, m.Deleted, m.EditedAt)));
        await store.AppendAsync(
            new ChatAppend("room", 2, [new NewMessage(Guid.CreateVersion7(), "alice", "c3", "hello", T0.AddMinutes(1), []) { Kind = MessageKind.Edit, Target = 1 }]),
            Ct);
        Assert.Equal(
            [("hello", (DateTimeOffset?)T0.AddMinutes(1)), ("second", null), ("hello", null)],
            (await store.ReadAsync("room", MessageRange.After(0, 10), Ct)).Messages.Select(m => (m.Content, m.EditedAt)));
    }

    [Fact]
    public async Task A_version_3_database_with_messages_is_upgraded_in_place_and_its_texts_are_found_by_search_as_they_stand()
    {
        await _files.Database.MigrateAsync(3, Ct);
        await using (var connection = await _files.Database.OpenUnmigratedConnectionAsync(Ct))
        {
            var t = T0.ToUnixTimeMilliseconds();
            await Execute(connection, $"""
                INSERT INTO messages (chat_id, seq, message_id, sender_id, client_msg_id, content, sent_at, edited_at)
                VALUES ('room', 1, '{Guid.CreateVersion7()}', 'alice', 'c1', 'Grüße, Harbour-Meeting!', {t}, {t + 1});
                INSERT INTO messages (chat_id, seq, message_id, sender_id, client_msg_id, content, sent_at, kind, target)
                VALUES ('room', 2, '{Guid.CreateVersion7()}', 'alice', 'c2', 'Grüße, Harbour-Meeting!', {t + 1}, 'edit', 1);
                INSERT INTO messages (chat_id, seq, message_id, sender_id, client_msg_id, content, sent_at, deleted)
                VALUES ('room', 3, '{Guid.CreateVersion7()}', 'bob', 'c3', '', {t}, 1);
                INSERT INTO messages (chat_id, seq, message_id, sender_id, client_msg_id, content, sent_at)
                VALUES ('room', 4, '{Guid.CreateVersion7()}', 'bob', 'c4', 'harbour later', {t + 2});
                INSERT INTO messages (chat_id, seq, message_id, sender_id, client_msg_id, content, sent_at)
                VALUES ('other', 1, '{Guid.CreateVersion7()}', 'bob', 'c1', 'harbour elsewhere', {t});
                """);
        }

        _files.Reopen();
        await using var store = _files.OpenStore();
        var harbour = await store.SearchAsync(new SearchQuery(["room"], "HARBOUR", 10), Ct);
        var greeting = await store.SearchAsync(new SearchQuery(["room", "other"], "GRÜẞE meet", 10), Ct);
        await store.AppendAsync(
            new ChatAppend("room", 4, [new NewMessage(Guid.CreateVersion7(), "alice", "c5", "moved", T0.AddMinutes(1), []) { Kind = MessageKind.Edit, Target = 1 }]),
            Ct);

        Assert.Equal([4L, 1L], harbour.Results.Select(m => m.Seq));
        Assert.Equal([("room", 1L, "Grüße, Harbour-Meeting!")], greeting.Results.Select(m => (m.ChatId, m.Seq, m.Content)));
        Assert.Equal([4L], (await store.SearchAsync(new SearchQuery(["room"], "harbour", 10), Ct)).Results.Select(m => m.Seq));
        Assert.Equal([1L], (await store.SearchAsync(new SearchQuery(["room"], "moved", 10), Ct)).Results.Select(m => m.Seq));
    }

    [Fact]
    public async Task A_version_5_database_with_texts_is_upgraded_in_place_keeping_its_search_rows_and_finds_them_by_prefixes_of_any_length()
    {
        await _files.Database.MigrateAsync(3, Ct);
        await using (var connection = await _files.Database.OpenUnmigratedConnectionAsync(Ct))
        {
            var t = T0.ToUnixTimeMilliseconds();
            await Execute(connection, $"""
                INSERT INTO messages (chat_id, seq, message_id, sender_id, client_msg_id, content, sent_at)
                VALUES ('room', 1, '{Guid.CreateVersion7()}', 'alice', 'c1', 'Harbour meeting', {t});
                INSERT INTO messages (chat_id, seq, message_id, sender_id, client_msg_id, content, sent_at)
                VALUES ('room', 2, '{Guid.CreateVersion7()}', 'bob', 'c2', 'harbourmaster calls', {t});
                INSERT INTO messages (chat_id, seq, message_id, sender_id, client_msg_id, content, sent_at, deleted)
                VALUES ('room', 3, '{Guid.CreateVersion7()}', 'bob', 'c3', '', {t + 1}, 1);
                INSERT INTO messages (chat_id, seq, message_id, sender_id, client_msg_id, content, sent_at)
                VALUES ('other', 1, '{Guid.CreateVersion7()}', 'bob', 'c1', 'harbour elsewhere', {t + 2});
                """);
        }

        await _files.Database.MigrateAsync(5, Ct);
        List<string> rowsBefore;
        await using (var connection = await _files.Database.OpenUnmigratedConnectionAsync(Ct))
        {
            rowsBefore = await Column<string>(connection, "SELECT rowid || ' ' || chat_id || ' ' || seq FROM message_search ORDER BY rowid;");
        }

        _files.Reopen();
        await using var store = _files.OpenStore();
        var oneLetter = await store.SearchAsync(new SearchQuery(["room"], "h", 10), Ct);
        var longPrefix = await store.SearchAsync(new SearchQuery(["room", "other"], "HARBOURM", 10), Ct);
        var twoWords = await store.SearchAsync(new SearchQuery(["room"], "meeting harb", 10), Ct);
        await store.AppendAsync(new ChatAppend("room", 3, [new NewMessage(Guid.CreateVersion7(), "alice", "c4", "harbourside cafe", T0.AddMinutes(1), [])]), Ct);

        await using (var connection = await _files.Database.OpenConnectionAsync(Ct))
        {
            Assert.Equal(rowsBefore, (await Column<string>(connection, "SELECT rowid || ' ' || chat_id || ' ' || seq FROM message_search ORDER BY rowid;"))[..3]);
        }

        Assert.Equal([1L, 2L], oneLetter.Results.Select(m => m.Seq).Order());
        Assert.Equal([("room", 2L)], longPrefix.Results.Select(m => (m.ChatId, m.Seq)));
        Assert.Equal([1L], twoWords.Results.Select(m => m.Seq));
        Assert.Equal([4L], (await store.SearchAsync(new SearchQuery(["room"], "harbours", 10), Ct)).Results.Select(m => m.Seq));
    }

    [Fact]
    public async Task A_version_6_database_with_attachments_is_upgraded_keeping_their_upload_order_and_new_texts_keep_the_order_they_name()
    {
        var (early, late, second, first) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await _files.Database.MigrateAsync(6, Ct);
        await using (var connection = await _files.Database.OpenUnmigratedConnectionAsync(Ct))
        {
            var t = T0.ToUnixTimeMilliseconds();
            await Execute(connection, $"""
                INSERT INTO messages (chat_id, seq, message_id, sender_id, client_msg_id, content, sent_at)
                VALUES ('room', 1, '{Guid.CreateVersion7()}', 'alice', 'c1', '', {t});
                INSERT INTO attachments (attachment_id, uploader_id, name, content_type, size, sha256, created_at, chat_id, seq)
                VALUES ('{late}', 'alice', 'late.txt', 'text/plain', 3, '{new string('a', 64)}', {t - 1}, 'room', 1),
                       ('{early}', 'alice', 'early.txt', 'text/plain', 3, '{new string('a', 64)}', {t - 2}, 'room', 1),
                       ('{first}', 'alice', 'first.txt', 'text/plain', 3, '{new string('a', 64)}', {t + 1}, NULL, NULL),
                       ('{second}', 'alice', 'second.txt', 'text/plain', 3, '{new string('a', 64)}', {t + 2}, NULL, NULL);
                """);
        }

        _files.Reopen();
        await using var store = _files.OpenStore();
        MessageAttachment[] named = [Text(second, "second.txt"), Text(first, "first.txt")];
        await store.AppendAsync(
            new ChatAppend("room", 1, [new NewMessage(Guid.CreateVersion7(), "alice", "c2", "", T0.AddMinutes(1), []) { Attachments = named }]), Ct);

        Assert.Equal([Text(early, "early.txt"), Text(late, "late.txt")], (await store.FindByClientMsgIdAsync("room", "alice", "c1", Ct))!.Attachments);
        Assert.Equal(named, (await store.FindByClientMsgIdAsync("room", "alice", "c2", Ct))!.Attachments);

        static MessageAttachment Text(Guid id, string name) => new(id, name, "text/plain", 3, null, null);
    }

    [Fact]
    public async Task A_version_7_database_with_messages_is_upgraded_in_place_reading_them_as_no_reply_and_stores_a_replys_job_id_and_stopped_flag()
    {
        var (text, edit) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        await _files.Database.MigrateAsync(7, Ct);
        await using (var connection = await _files.Database.OpenUnmigratedConnectionAsync(Ct))
        {
            var t = T0.ToUnixTimeMilliseconds();
            await Execute(connection, $"""
                INSERT INTO messages (chat_id, seq, message_id, sender_id, client_msg_id, content, sent_at, edited_at)
                VALUES ('room', 1, '{text}', 'alice', 'c1', 'kept', {t}, {t + 1});
                INSERT INTO messages (chat_id, seq, message_id, sender_id, client_msg_id, content, sent_at, kind, target)
                VALUES ('room', 2, '{edit}', 'alice', 'c2', 'kept', {t + 1}, 'edit', 1);
                """);
        }

        _files.Reopen();
        await using var store = _files.OpenStore();
        var reply = new NewMessage(Guid.CreateVersion7(), "assistant", "job-1-reply", "so far", T0.AddMinutes(1), []) { JobId = "job-1", Stopped = true };
        await store.AppendAsync(new ChatAppend("room", 2, [reply]), Ct);

        Assert.Equal(
            [
                new StoredMessage("room", 1, text, "alice", "c1", "kept", T0) { EditedAt = T0.AddMilliseconds(1) },
                new StoredMessage("room", 2, edit, "alice", "c2", "kept", T0.AddMilliseconds(1)) { Kind = MessageKind.Edit, Target = 1 },
                new StoredMessage("room", 3, reply.MessageId, "assistant", "job-1-reply", "so far", T0.AddMinutes(1)) { JobId = "job-1", Stopped = true },
            ],
            (await store.ReadAsync("room", MessageRange.After(0, 10), Ct)).Messages);
    }

    [Fact]
    public async Task Migrating_an_up_to_date_database_again_changes_nothing()
    {
        var time = new FakeTimeProvider(T0);
        using (var first = _files.Open(time))
        {
            await first.EnsureMigratedAsync(Ct);
        }

        time.Advance(TimeSpan.FromHours(1));
        using var second = _files.Open(time);
        await second.EnsureMigratedAsync(Ct);
        await second.MigrateAsync(SqliteMigrations.LatestVersion, Ct);

        await using var connection = await second.OpenConnectionAsync(Ct);
        Assert.Equal(
            SqliteMigrations.All.Select(_ => T0.ToUnixTimeMilliseconds()),
            await Column<long>(connection, "SELECT applied_at FROM schema_migrations ORDER BY version;"));
    }

    [Fact]
    public async Task The_database_uses_write_ahead_logging()
    {
        await using var connection = await _files.Database.OpenConnectionAsync(Ct);

        Assert.Equal("wal", await Scalar(connection, "PRAGMA journal_mode;"));
    }

    [Fact]
    public async Task Connections_wait_for_writes_to_reach_the_disk()
    {
        await using var connection = await _files.Database.OpenConnectionAsync(Ct);

        Assert.Equal(2L, await Scalar(connection, "PRAGMA synchronous;")); // FULL
    }

    [Fact]
    public async Task Connections_enforce_foreign_keys()
    {
        await using var connection = await _files.Database.OpenConnectionAsync(Ct);

        Assert.Equal(1L, await Scalar(connection, "PRAGMA foreign_keys;"));
    }

    [Fact]
    public async Task Messages_and_outbox_rows_survive_closing_and_reopening_the_store()
    {
        var message = new NewMessage(Guid.CreateVersion7(), "alice", "c1", "still here", T0, [new PushTarget("bob", "phone")]);
        await using (var store = _files.OpenStore())
        {
            await store.AppendAsync(new ChatAppend("room", 0, [message]), Ct);
        }

        _files.Reopen();
        await using var reopened = _files.OpenStore();

        Assert.Equal(
            [new StoredMessage("room", 1, message.MessageId, "alice", "c1", "still here", T0)],
            (await reopened.ReadAsync("room", MessageRange.After(0, 10), Ct)).Messages);
        Assert.Equal(1, (await reopened.GetLastAsync("room", Ct))?.Seq ?? 0);
        Assert.Equal([("bob", message.MessageId)], (await reopened.ListAsync(10, Ct)).Select(r => (r.RecipientId, r.MessageId)));
    }

    private static async Task<object?> Scalar(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(Ct);
    }

    private static async Task<List<T>> Column<T>(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var values = new List<T>();
        while (await reader.ReadAsync(Ct))
        {
            values.Add(reader.GetFieldValue<T>(0));
        }

        return values;
    }

    private static async Task Execute(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(Ct);
    }
}
