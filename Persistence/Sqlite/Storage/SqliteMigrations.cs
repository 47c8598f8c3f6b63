using OrleansChat.Persistence.Migrations;

namespace OrleansChat.Persistence.Sqlite;

/// <summary>
/// The schema of <c>chat.db</c>, oldest first. Never edit a migration that has shipped: add the next one.
/// Times are Unix milliseconds; message ids are lowercase Guid strings.
/// </summary>
/// <remarks>
/// <para>
/// Version 3 (message changes): <c>kind</c>, <c>target</c>, <c>reply_to</c>, <c>remove</c> and <c>mentions</c> (a JSON
/// array of member ids, NULL when none) describe a row as sent; <c>edited_at</c> and <c>deleted</c> are a text's current
/// state. Columns added with constant defaults rewrite no existing row, and existing rows read as plain texts. The
/// partial index finds the changes of a target when it is deleted without indexing the texts. Reactions are rows of
/// <c>message_reactions</c>, one per (target, emoji, user), rather than an encoded column of the text: adding and
/// removing one is a single-row insert or delete with no read-modify-write of a growing value, a duplicate is the
/// primary key's no-op, and a delete drops them all with one statement. <c>emoji_seq</c> is the seq at which the emoji
/// appeared on the target (kept while anyone holds it) and <c>first_seq</c> the user's own, so a read orders emojis by
/// first appearance and their users by arrival.
/// </para>
/// <para>
/// Version 4 (search): <c>message_search</c> is an FTS5 table of the texts' words and chat tokens (<see cref="SqliteSearch.Row"/>),
/// one row per text that is not deleted, whose rowid orders rows by sent time (<see cref="SqliteSearch"/>). The
/// migration indexes the texts already stored; appends, edits and deletes keep it in step in their transaction.
/// </para>
/// <para>
/// Version 5 (attachments): one row per upload; its bytes are a file of their own under <c>attachments/</c> beside
/// <c>chat.db</c> (<see cref="Attachments.FileAttachmentStore"/>), its thumbnail a small blob in the row. The row is a
/// rowid table: its thumbnail would make a clustered primary key's pages hold few rows. <c>chat_id</c> and <c>seq</c>
/// name the message that carries it; the partial indexes find orphans by age and a message's attachments.
/// </para>
/// <para>
/// Version 6 (search speed): <c>message_search</c> is rebuilt with FTS5 prefix indexes of 1, 2 and 3 characters, and
/// <c>search_words</c> lists every indexed word longer than that. A prefix query without either makes FTS5 merge the
/// whole doclist of every word the prefix starts before it yields a row (a second on a million texts): a short prefix
/// now reads its prefix index, and a longer one becomes the OR of the words it starts (<see cref="SqliteSearch.Match"/>),
/// which FTS5 walks lazily newest first and leaves after a page. Rows keep their rowids, so cursors handed out stay
/// valid. Words are never removed from <c>search_words</c>: a word no text holds any more only adds an empty term.
/// </para>
/// <para>
/// Version 7 (attachment order): <c>position</c> is an upload's index in the <c>attachments</c> list of the text that
/// links it, so a message lists them as its sender did. Rows linked before it keep NULL and read in upload order.
/// </para>
/// <para>
/// Version 8 (assistant replies): <c>job_id</c> names the job that wrote a reply and <c>stopped</c> says a member
/// stopped it (PROTOCOL.md 9). Like version 3's columns they rewrite no row, and every existing row reads as no reply.
/// </para>
/// </remarks>
internal static class SqliteMigrations
{
    public static IReadOnlyList<Migration> All { get; } =
    [
        new(1, "messages and push outbox", """
            CREATE TABLE messages (
                chat_id       TEXT    NOT NULL,
                seq           INTEGER NOT NULL,
                message_id    TEXT    NOT NULL,
                sender_id     TEXT    NOT NULL,
                client_msg_id TEXT    NOT NULL,
                content       TEXT    NOT NULL,
                sent_at       INTEGER NOT NULL,
                PRIMARY KEY (chat_id, seq),
                UNIQUE (chat_id, sender_id, client_msg_id)
            ) WITHOUT ROWID;

            CREATE TABLE push_outbox (
                id               INTEGER PRIMARY KEY AUTOINCREMENT,
                recipient_id     TEXT    NOT NULL,
                device_id        TEXT    NOT NULL,
                chat_id          TEXT    NOT NULL,
                seq              INTEGER NOT NULL,
                message_id       TEXT    NOT NULL,
                sender_id        TEXT    NOT NULL,
                preview          TEXT    NOT NULL,
                created_at       INTEGER NOT NULL,
                attempts         INTEGER NOT NULL DEFAULT 0,
                next_attempt_at  INTEGER NOT NULL,
                claimed_until    INTEGER NULL,
                last_error       TEXT    NULL,
                dead_lettered_at INTEGER NULL,
                FOREIGN KEY (chat_id, seq) REFERENCES messages (chat_id, seq)
            );

            CREATE INDEX ix_push_outbox_due ON push_outbox (next_attempt_at, id)
                WHERE dead_lettered_at IS NULL;
            """),
        new(2, "grain state", """
            CREATE TABLE grain_state (
                state_name TEXT    NOT NULL,
                grain_id   TEXT    NOT NULL,
                etag       INTEGER NOT NULL,
                payload    TEXT    NOT NULL,
                updated_at INTEGER NOT NULL,
                PRIMARY KEY (state_name, grain_id)
            ) WITHOUT ROWID;
            """),
        new(3, "message changes", """
            ALTER TABLE messages ADD COLUMN kind TEXT NOT NULL DEFAULT 'text'
                CHECK (kind IN ('text', 'edit', 'delete', 'reaction'));
            ALTER TABLE messages ADD COLUMN target INTEGER NULL;
            ALTER TABLE messages ADD COLUMN reply_to INTEGER NULL;
            ALTER TABLE messages ADD COLUMN remove INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE messages ADD COLUMN mentions TEXT NULL;
            ALTER TABLE messages ADD COLUMN edited_at INTEGER NULL;
            ALTER TABLE messages ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;

            CREATE INDEX ix_messages_target ON messages (chat_id, target) WHERE target IS NOT NULL;

            CREATE TABLE message_reactions (
                chat_id    TEXT    NOT NULL,
                target_seq INTEGER NOT NULL,
                content    TEXT    NOT NULL,
                user_id    TEXT    NOT NULL,
                emoji_seq  INTEGER NOT NULL,
                first_seq  INTEGER NOT NULL,
                PRIMARY KEY (chat_id, target_seq, content, user_id)
            ) WITHOUT ROWID;
            """),
        new(4, "search", $"""
            CREATE VIRTUAL TABLE message_search USING fts5(
                words, chat_id UNINDEXED, seq UNINDEXED, tokenize = 'ascii', detail = none);

            INSERT INTO message_search (rowid, words, chat_id, seq)
            SELECT {SqliteSearch.RowidBaseSql("sent_at")} + ROW_NUMBER() OVER (PARTITION BY sent_at ORDER BY chat_id, seq) - 1,
                   {SqliteSearch.RowFunction}(content, chat_id), chat_id, seq
            FROM messages WHERE kind = 'text' AND deleted = 0;
            """),
        new(5, "attachments", """
            CREATE TABLE attachments (
                attachment_id TEXT    NOT NULL PRIMARY KEY,
                uploader_id   TEXT    NOT NULL,
                name          TEXT    NOT NULL,
                content_type  TEXT    NOT NULL,
                size          INTEGER NOT NULL,
                sha256        TEXT    NOT NULL,
                width         INTEGER NULL,
                height        INTEGER NULL,
                created_at    INTEGER NOT NULL,
                chat_id       TEXT    NULL,
                seq           INTEGER NULL,
                thumbnail     BLOB    NULL
            );

            CREATE INDEX ix_attachments_orphans ON attachments (created_at) WHERE chat_id IS NULL;
            CREATE INDEX ix_attachments_message ON attachments (chat_id, seq) WHERE chat_id IS NOT NULL;
            """),
        new(6, "search prefixes", $"""
            CREATE VIRTUAL TABLE message_search_prefixed USING fts5(
                words, chat_id UNINDEXED, seq UNINDEXED, tokenize = 'ascii', detail = none, prefix = '1 2 3');
            INSERT INTO message_search_prefixed (rowid, words, chat_id, seq)
            SELECT rowid, words, chat_id, seq FROM message_search;
            DROP TABLE message_search;
            ALTER TABLE message_search_prefixed RENAME TO message_search;

            CREATE TABLE search_words (word TEXT NOT NULL PRIMARY KEY) WITHOUT ROWID;
            CREATE VIRTUAL TABLE temp.message_search_terms USING fts5vocab(main, message_search, 'row');
            INSERT INTO search_words (word)
            SELECT term FROM temp.message_search_terms
            WHERE substr(term, 1, 1) <> '{SqliteSearch.ChatTokenMark}' AND length(term) > {SqliteSearch.LongestIndexedPrefix};
            DROP TABLE temp.message_search_terms;
            """),
        new(7, "attachment order", """
            ALTER TABLE attachments ADD COLUMN position INTEGER NULL;
            """),
        new(8, "assistant replies", """
            ALTER TABLE messages ADD COLUMN job_id TEXT NULL;
            ALTER TABLE messages ADD COLUMN stopped INTEGER NOT NULL DEFAULT 0;
            """),
    ];

    public static int LatestVersion => All[^1].Version;
}
