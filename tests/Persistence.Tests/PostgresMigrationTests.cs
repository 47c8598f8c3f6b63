using Npgsql;
using OrleansChat.Persistence.Postgres;

namespace OrleansChat.Persistence.Tests;

/// <summary>The versioned PostgreSQL schema: each test migrates a new database of its own.</summary>
public sealed class PostgresMigrationTests(PostgresTestDatabase fixture) : IClassFixture<PostgresTestDatabase>
{
    // The shipped versions, which may have gaps where a parallel branch took a number.
    private static readonly int[] AllVersions = [.. PostgresMigrations.All.Select(m => m.Version)];

    /// <summary>Every key Orleans' ADO.NET clustering, grain storage and reminder providers look up.</summary>
    private static readonly string[] ProviderQueryKeys =
    [
        "CleanupDefunctSiloEntriesKey", "ClearStorageKey", "DeleteMembershipTableEntriesKey", "DeleteReminderRowKey",
        "DeleteReminderRowsKey", "DeleteStorageKey", "GatewaysQueryKey", "InsertMembershipKey", "InsertMembershipVersionKey",
        "MembershipReadAllKey", "MembershipReadRowKey", "ReadFromStorageKey", "ReadRangeRows1Key", "ReadRangeRows2Key",
        "ReadReminderRowKey", "ReadReminderRowsKey", "UpdateIAmAlivetimeKey", "UpdateMembershipKey", "UpsertReminderRowKey",
        "WriteToStorageKey",
    ];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Migrating_an_empty_database_applies_every_version_in_order()
    {
        var connectionString = await NewDatabase();

        await PostgresDatabase.MigrateAsync(connectionString, Ct);

        Assert.Equal(AllVersions, await AppliedVersions(connectionString));
    }

    [Fact]
    public async Task The_migrated_schema_holds_every_query_the_Orleans_providers_read()
    {
        var connectionString = await NewDatabase();

        await PostgresDatabase.MigrateAsync(connectionString, Ct);

        Assert.Equal(ProviderQueryKeys, await Scalars<string>(connectionString, "SELECT QueryKey FROM OrleansQuery ORDER BY QueryKey COLLATE \"C\";"));
    }

    [Fact]
    public async Task Messages_are_hash_partitioned_by_chat_id_into_sixteen_partitions()
    {
        var connectionString = await NewDatabase();

        await PostgresDatabase.MigrateAsync(connectionString, Ct);

        Assert.Equal(
            [16L],
            await Scalars<long>(connectionString, "SELECT count(*) FROM pg_inherits WHERE inhparent = 'messages'::regclass;"));
        Assert.Equal(
            ["h"],
            await Scalars<string>(connectionString, "SELECT partstrat::text FROM pg_partitioned_table WHERE partrelid = 'messages'::regclass;"));
    }

    [Fact]
    public async Task Migrating_a_database_at_the_previous_version_applies_the_rest_and_keeps_its_data()
    {
        var connectionString = await NewDatabase();
        await using (var previous = PostgresTestDatabase.Open(connectionString))
        {
            await previous.MigrateAsync(AllVersions[^2], Ct);
        }

        Assert.Equal(AllVersions[..^1], await AppliedVersions(connectionString));
        await Execute(
            connectionString,
            "INSERT INTO messages (chat_id, seq, message_id, sender_id, client_msg_id, content, sent_at) VALUES ('kept', 1, gen_random_uuid(), 'alice', 'c1', 'still here', now());");

        await PostgresDatabase.MigrateAsync(connectionString, Ct);

        Assert.Equal(AllVersions, await AppliedVersions(connectionString));
        Assert.Equal(["still here"], await Scalars<string>(connectionString, "SELECT content FROM messages WHERE chat_id = 'kept';"));
    }

    [Fact]
    public async Task A_version_4_database_with_messages_is_upgraded_in_place_and_reads_them_back_as_unchanged_texts_that_take_changes()
    {
        var connectionString = await NewDatabase();
        await using (var previous = PostgresTestDatabase.Open(connectionString))
        {
            await previous.MigrateAsync(4, Ct);
        }

        var id = Guid.CreateVersion7();
        var sentAt = DateTimeOffset.FromUnixTimeMilliseconds(1_780_000_000_123);
        await Execute(
            connectionString,
            $"INSERT INTO messages (chat_id, seq, message_id, sender_id, client_msg_id, content, sent_at) VALUES ('room', 1, '{id}', 'alice', 'c1', 'héllo 👋 @bob', '{sentAt:O}');");

        await using var opened = new PostgresTestDatabase.StoreOverDatabase(PostgresTestDatabase.Open(connectionString), 2000);
        var page = await opened.Store.ReadAsync("room", MessageRange.After(0, 10), Ct);

        Assert.Equal([new StoredMessage("room", 1, id, "alice", "c1", "héllo 👋 @bob", sentAt)], page.Messages);
        Assert.Equal((MessageKind.Text, false, (DateTimeOffset?)null), (page.Messages[0].Kind, page.Messages[0].Deleted, page.Messages[0].EditedAt));
        Assert.Equal(AllVersions, await AppliedVersions(connectionString));
        await opened.Store.AppendAsync(
            new ChatAppend("room", 1, [new NewMessage(Guid.CreateVersion7(), "alice", "c2", "hello", sentAt.AddMinutes(1), []) { Kind = MessageKind.Edit, Target = 1 }]),
            Ct);
        Assert.Equal(
            [("hello", (DateTimeOffset?)sentAt.AddMinutes(1)), ("hello", null)],
            (await opened.Store.ReadAsync("room", MessageRange.After(0, 10), Ct)).Messages.Select(m => (m.Content, m.EditedAt)));
    }

    [Fact]
    public async Task A_version_5_database_with_messages_is_upgraded_in_place_and_its_texts_are_found_by_search_as_they_stand()
    {
        var connectionString = await NewDatabase();
        await using (var previous = PostgresTestDatabase.Open(connectionString))
        {
            await previous.MigrateAsync(5, Ct);
        }

        var t = DateTimeOffset.FromUnixTimeMilliseconds(1_780_000_000_123);
        await Execute(connectionString, $"""
            INSERT INTO messages (chat_id, seq, message_id, sender_id, client_msg_id, content, sent_at, edited_at)
            VALUES ('room', 1, gen_random_uuid(), 'alice', 'c1', 'Grüße: Harbour-Meeting, 10am!', '{t:O}', '{t.AddMinutes(1):O}');
            INSERT INTO messages (chat_id, seq, message_id, sender_id, client_msg_id, content, sent_at, kind, target)
            VALUES ('room', 2, gen_random_uuid(), 'alice', 'c2', 'Grüße: Harbour-Meeting, 10am!', '{t.AddMinutes(1):O}', 'edit', 1);
            INSERT INTO messages (chat_id, seq, message_id, sender_id, client_msg_id, content, sent_at, deleted)
            VALUES ('room', 3, gen_random_uuid(), 'bob', 'c3', '', '{t:O}', true);
            INSERT INTO messages (chat_id, seq, message_id, sender_id, client_msg_id, content, sent_at)
            VALUES ('room', 4, gen_random_uuid(), 'bob', 'c4', 'harbour later', '{t.AddMinutes(2):O}');
            INSERT INTO messages (chat_id, seq, message_id, sender_id, client_msg_id, content, sent_at)
            VALUES ('other', 1, gen_random_uuid(), 'bob', 'c1', 'harbour elsewhere', '{t:O}');
            """);

        await using var opened = new PostgresTestDatabase.StoreOverDatabase(PostgresTestDatabase.Open(connectionString), 2000);
        var search = opened.Store;
        var harbour = await search.SearchAsync(new SearchQuery(["room"], "HARBOUR", 10), Ct);
        var meeting = await search.SearchAsync(new SearchQuery(["room", "other"], "GRÜẞE 10AM meet", 10), Ct);
        await opened.Store.AppendAsync(
            new ChatAppend("room", 4, [new NewMessage(Guid.CreateVersion7(), "alice", "c5", "moved", t.AddMinutes(3), []) { Kind = MessageKind.Edit, Target = 1 }]),
            Ct);

        Assert.Equal(AllVersions, await AppliedVersions(connectionString));
        Assert.Equal([4L, 1L], harbour.Results.Select(m => m.Seq));
        Assert.Equal([("room", 1L, "Grüße: Harbour-Meeting, 10am!")], meeting.Results.Select(m => (m.ChatId, m.Seq, m.Content)));
        Assert.Equal([4L], (await search.SearchAsync(new SearchQuery(["room"], "harbour", 10), Ct)).Results.Select(m => m.Seq));
        Assert.Equal([1L], (await search.SearchAsync(new SearchQuery(["room"], "moved", 10), Ct)).Results.Select(m => m.Seq));
    }

    [Fact]
    public async Task A_version_7_database_with_texts_is_upgraded_with_every_partition_ordering_its_texts_by_time_and_search_pages_them_newest_first()
    {
        var connectionString = await NewDatabase();
        await using (var previous = PostgresTestDatabase.Open(connectionString))
        {
            await previous.MigrateAsync(7, Ct);
        }

        var t = DateTimeOffset.FromUnixTimeMilliseconds(1_780_000_000_123);
        await Execute(connectionString, $"""
            INSERT INTO messages (chat_id, seq, message_id, sender_id, client_msg_id, content, sent_at, search)
            VALUES ('room', 1, gen_random_uuid(), 'alice', 'c1', 'harbour one', '{t:O}', 'harbour one'::tsvector),
                   ('room', 2, gen_random_uuid(), 'bob', 'c2', 'harbour two', '{t.AddMinutes(2):O}', 'harbour two'::tsvector),
                   ('other', 1, gen_random_uuid(), 'bob', 'c1', 'harbour three', '{t.AddMinutes(1):O}', 'harbour three'::tsvector);
            INSERT INTO messages (chat_id, seq, message_id, sender_id, client_msg_id, content, sent_at, deleted)
            VALUES ('room', 3, gen_random_uuid(), 'bob', 'c3', '', '{t.AddMinutes(3):O}', true);
            """);

        await using var opened = new PostgresTestDatabase.StoreOverDatabase(PostgresTestDatabase.Open(connectionString), 2000);
        var first = await opened.Store.SearchAsync(new SearchQuery(["room", "other"], "h", 2), Ct);
        var second = await opened.Store.SearchAsync(new SearchQuery(["room", "other"], "h", 2, first.Next), Ct);

        Assert.Equal(AllVersions, await AppliedVersions(connectionString));
        Assert.Equal(
            [16L],
            await Scalars<long>(connectionString, "SELECT count(*) FROM pg_inherits WHERE inhparent = 'ix_messages_texts_by_time'::regclass;"));
        Assert.Equal(["harbour two", "harbour three"], first.Results.Select(m => m.Content));
        Assert.Equal(["harbour one"], second.Results.Select(m => m.Content));
        Assert.Null(second.Next);
    }

    [Fact]
    public async Task A_version_9_database_with_messages_is_upgraded_in_place_reading_them_as_no_reply_and_stores_a_replys_job_id_and_stopped_flag()
    {
        var connectionString = await NewDatabase();
        await using (var previous = PostgresTestDatabase.Open(connectionString))
        {
            await previous.MigrateAsync(9, Ct);
        }

        var (text, edit) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var t = DateTimeOffset.FromUnixTimeMilliseconds(1_780_000_000_123);
        await Execute(connectionString, $"""
            INSERT INTO messages (chat_id, seq, message_id, sender_id, client_msg_id, content, sent_at, edited_at)
            VALUES ('room', 1, '{text}', 'alice', 'c1', 'kept', '{t:O}', '{t.AddMilliseconds(1):O}');
            INSERT INTO messages (chat_id, seq, message_id, sender_id, client_msg_id, content, sent_at, kind, target)
            VALUES ('room', 2, '{edit}', 'alice', 'c2', 'kept', '{t.AddMilliseconds(1):O}', 'edit', 1);
            """);

        await using var opened = new PostgresTestDatabase.StoreOverDatabase(PostgresTestDatabase.Open(connectionString), 2000);
        var reply = new NewMessage(Guid.CreateVersion7(), "assistant", "job-1-reply", "so far", t.AddMinutes(1), []) { JobId = "job-1", Stopped = true };
        await opened.Store.AppendAsync(new ChatAppend("room", 2, [reply]), Ct);

        Assert.Equal(AllVersions, await AppliedVersions(connectionString));
        Assert.Equal(
            [
                new StoredMessage("room", 1, text, "alice", "c1", "kept", t) { EditedAt = t.AddMilliseconds(1) },
                new StoredMessage("room", 2, edit, "alice", "c2", "kept", t.AddMilliseconds(1)) { Kind = MessageKind.Edit, Target = 1 },
                new StoredMessage("room", 3, reply.MessageId, "assistant", "job-1-reply", "so far", t.AddMinutes(1)) { JobId = "job-1", Stopped = true },
            ],
            (await opened.Store.ReadAsync("room", MessageRange.After(0, 10), Ct)).Messages);
    }

    [Fact]
    public async Task Migrating_a_migrated_database_again_changes_nothing()
    {
        var connectionString = await NewDatabase();
        await PostgresDatabase.MigrateAsync(connectionString, Ct);
        var before = await History(connectionString);

        await PostgresDatabase.MigrateAsync(connectionString, Ct);

        Assert.Equal(before, await History(connectionString));
    }

    [Fact]
    public async Task Processes_that_migrate_one_database_at_once_all_succeed_and_apply_each_version_once()
    {
        var connectionString = await NewDatabase();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => PostgresDatabase.MigrateAsync(connectionString, Ct), Ct)));

        Assert.Equal(AllVersions, await AppliedVersions(connectionString));
    }

    private async Task<string> NewDatabase()
    {
        fixture.Require();
        return await fixture.Server.CreateDatabaseAsync("migration");
    }

    private static Task<List<int>> AppliedVersions(string connectionString) =>
        Scalars<int>(connectionString, "SELECT version FROM schema_migrations ORDER BY version;");

    private static async Task<List<string>> History(string connectionString) =>
        [.. (await Scalars<string>(connectionString, "SELECT version || ' ' || name || ' ' || applied_at::text FROM schema_migrations ORDER BY version;"))];

    private static async Task Execute(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }

    private static async Task<List<T>> Scalars<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var values = new List<T>();
        while (await reader.ReadAsync(Ct))
        {
            values.Add(reader.GetFieldValue<T>(0));
        }

        return values;
    }
}
