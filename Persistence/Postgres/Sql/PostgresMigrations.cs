using System.Globalization;
using System.Text;
using Npgsql;
using OrleansChat.Persistence.Migrations;

namespace OrleansChat.Persistence.Postgres;

/// <summary>
/// The PostgreSQL schema, oldest first. Never edit a migration that has shipped: add the next one.
/// Versions 1 is the chat's own tables; 2 to 4 are the tables and <c>OrleansQuery</c> statements that
/// Orleans' ADO.NET providers (invariant <c>Npgsql</c>) need for clustering, grain state and reminders; 5 is message
/// changes (the same columns and reactions table as the SQLite store's version 3, whose remarks say why they are so);
/// 6 is search; 7 is attachments (<see cref="Attachments"/>); 8 orders the texts by time for search
/// (<see cref="TextsByTime"/>); 9 keeps the order a text lists its attachments in (the SQLite store's version 7); 10 is assistant replies' job id and
/// stopped flag (the SQLite store's version 8; constant defaults, so no partition is rewritten).
/// </summary>
internal static class PostgresMigrations
{
    /// <summary>How many hash partitions <c>messages</c> has; fixed by migration 1.</summary>
    public const int MessagePartitions = 16;

    public static IReadOnlyList<Migration> All { get; } =
    [
        new(1, "messages and push outbox", MessagesAndPushOutbox()),
        new(2, "orleans queries and cluster membership", OrleansSql.QueriesAndMembership),
        new(3, "orleans grain state", OrleansSql.GrainState),
        new(4, "orleans reminders", OrleansSql.Reminders),
        new(5, "message changes", MessageChanges()),
        new(6, "search", Search) { Then = (connection, cancellationToken) => PostgresSearchBackfill.RunAsync((NpgsqlConnection)connection, cancellationToken) },
        new(7, "attachments", Attachments),
        new(8, "texts by time", TextsByTime),
        new(9, "attachment order", "ALTER TABLE attachments ADD COLUMN position integer NULL;"),
        new(10, "assistant replies", "ALTER TABLE messages ADD COLUMN job_id text NULL, ADD COLUMN stopped boolean NOT NULL DEFAULT false;"),
    ];

    public static int LatestVersion => All[^1].Version;

    /// <summary>
    /// One row per upload (the SQLite store's version 5 columns), its bytes in <c>attachment_chunks</c>: rows of at most
    /// <see cref="Attachments.PostgresAttachmentStore.ChunkBytes"/>, so that neither way holds a whole file, and a range
    /// starts at the chunk that holds it. The chunks' key to their row is checked at commit: an upload writes its chunks
    /// first and its row last, in one transaction. Deleting a row deletes its chunks.
    /// </summary>
    private const string Attachments = """
        CREATE TABLE attachments (
            attachment_id uuid        NOT NULL PRIMARY KEY,
            uploader_id   text        NOT NULL,
            name          text        NOT NULL,
            content_type  text        NOT NULL,
            size          bigint      NOT NULL,
            sha256        text        NOT NULL,
            width         integer     NULL,
            height        integer     NULL,
            created_at    timestamptz NOT NULL,
            chat_id       text        NULL,
            seq           bigint      NULL,
            thumbnail     bytea       NULL
        );

        CREATE INDEX ix_attachments_orphans ON attachments (created_at) WHERE chat_id IS NULL;
        CREATE INDEX ix_attachments_message ON attachments (chat_id, seq) WHERE chat_id IS NOT NULL;

        CREATE TABLE attachment_chunks (
            attachment_id uuid    NOT NULL,
            chunk         integer NOT NULL,
            data          bytea   NOT NULL,
            CONSTRAINT pk_attachment_chunks PRIMARY KEY (attachment_id, chunk),
            CONSTRAINT fk_attachment_chunks_attachment FOREIGN KEY (attachment_id) REFERENCES attachments (attachment_id)
                ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
        );
        ALTER TABLE attachment_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
        """;

    /// <summary>
    /// <c>search</c> holds a text's words (<see cref="SearchText.Document"/>, written by the append path as lexemes taken
    /// as they are, never through a text search configuration), NULL on change rows and tombstones; a GIN index on each
    /// partition. The texts already stored are indexed after these statements, in .NET (<see cref="PostgresSearchBackfill"/>),
    /// since SQL's letters depend on the database's locale.
    /// </summary>
    private const string Search = """
        ALTER TABLE messages ADD COLUMN search tsvector NULL;
        CREATE INDEX ix_messages_search ON messages USING gin (search);
        """;

    /// <summary>
    /// The texts that search can find, newest first in its order (sent time, then message id), on each partition. A
    /// search whose words match many texts walks it (a merge of the partitions) and stops after a page, where the GIN
    /// index would first collect every match of a common word or a short prefix and sort them all; the planner still
    /// takes the GIN index for rare words, from the lexeme statistics. Texts that are not deleted only: a delete leaves it.
    /// </summary>
    private const string TextsByTime = """
        CREATE INDEX ix_messages_texts_by_time ON messages (sent_at DESC, message_id DESC) WHERE kind = 'text' AND NOT deleted;
        """;

    private static string MessagesAndPushOutbox()
    {
        var sql = new StringBuilder("""
            CREATE TABLE messages (
                chat_id       text        NOT NULL,
                seq           bigint      NOT NULL,
                message_id    uuid        NOT NULL,
                sender_id     text        NOT NULL,
                client_msg_id text        NOT NULL,
                content       text        NOT NULL,
                sent_at       timestamptz NOT NULL,
                CONSTRAINT pk_messages PRIMARY KEY (chat_id, seq),
                CONSTRAINT uq_messages_client_msg_id UNIQUE (chat_id, sender_id, client_msg_id)
            ) PARTITION BY HASH (chat_id);

            """);
        for (var remainder = 0; remainder < MessagePartitions; remainder++)
        {
            sql.Append(CultureInfo.InvariantCulture, $"CREATE TABLE messages_p{remainder:D2} PARTITION OF messages FOR VALUES WITH (MODULUS {MessagePartitions}, REMAINDER {remainder});\n");
        }

        sql.Append("""

            CREATE TABLE push_outbox (
                id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                recipient_id     text        NOT NULL,
                device_id        text        NOT NULL,
                chat_id          text        NOT NULL,
                seq              bigint      NOT NULL,
                message_id       uuid        NOT NULL,
                sender_id        text        NOT NULL,
                preview          text        NOT NULL,
                created_at       timestamptz NOT NULL,
                attempts         integer     NOT NULL DEFAULT 0,
                next_attempt_at  timestamptz NOT NULL,
                claimed_until    timestamptz NULL,
                last_error       text        NULL,
                dead_lettered_at timestamptz NULL,
                CONSTRAINT fk_push_outbox_message FOREIGN KEY (chat_id, seq) REFERENCES messages (chat_id, seq)
            );

            CREATE INDEX ix_push_outbox_due ON push_outbox (next_attempt_at, id) WHERE dead_lettered_at IS NULL;
            """);
        return sql.ToString();
    }

    /// <summary>
    /// Columns added with constant defaults rewrite no partition (existing rows read as plain texts); the CHECK scans
    /// once. <c>mentions</c> is a text array, NULL when empty. Reactions are partitioned by chat like the messages.
    /// </summary>
    private static string MessageChanges()
    {
        var sql = new StringBuilder("""
            ALTER TABLE messages
                ADD COLUMN kind      text        NOT NULL DEFAULT 'text'
                    CONSTRAINT ck_messages_kind CHECK (kind IN ('text', 'edit', 'delete', 'reaction')),
                ADD COLUMN target    bigint      NULL,
                ADD COLUMN reply_to  bigint      NULL,
                ADD COLUMN remove    boolean     NOT NULL DEFAULT false,
                ADD COLUMN mentions  text[]      NULL,
                ADD COLUMN edited_at timestamptz NULL,
                ADD COLUMN deleted   boolean     NOT NULL DEFAULT false;

            CREATE INDEX ix_messages_target ON messages (chat_id, target) WHERE target IS NOT NULL;

            CREATE TABLE message_reactions (
                chat_id    text   NOT NULL,
                target_seq bigint NOT NULL,
                content    text   NOT NULL,
                user_id    text   NOT NULL,
                emoji_seq  bigint NOT NULL,
                first_seq  bigint NOT NULL,
                CONSTRAINT pk_message_reactions PRIMARY KEY (chat_id, target_seq, content, user_id)
            ) PARTITION BY HASH (chat_id);

            """);
        for (var remainder = 0; remainder < MessagePartitions; remainder++)
        {
            sql.Append(CultureInfo.InvariantCulture, $"CREATE TABLE message_reactions_p{remainder:D2} PARTITION OF message_reactions FOR VALUES WITH (MODULUS {MessagePartitions}, REMAINDER {remainder});\n");
        }

        return sql.ToString();
    }
}
