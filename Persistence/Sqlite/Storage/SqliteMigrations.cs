using OrleansChat.Persistence.Migrations;

namespace OrleansChat.Persistence.Sqlite;

/// <summary>
/// The schema of <c>chat.db</c>, oldest first. Never edit a migration that has shipped: add the next one.
/// Times are Unix milliseconds; message ids are lowercase Guid strings.
/// </summary>
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
    ];

    public static int LatestVersion => All[^1].Version;
}
