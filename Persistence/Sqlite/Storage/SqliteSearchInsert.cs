using System.Globalization;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace OrleansChat.Persistence.Sqlite;

/// <summary>
/// The index row of a new text, written in the append's transaction right after the text: a raw statement bound by
/// position, prepared once on the writer connection, like the message insert it follows (see
/// <see cref="SqliteAppendCommands"/>). It takes the first free rowid of the text's millisecond (<see cref="SqliteSearch"/>),
/// and adds the text's words to <c>search_words</c>, which a search expands a prefix with (migration 6).
/// </summary>
internal sealed class SqliteSearchInsert : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly sqlite3_stmt _insert;
    private readonly sqlite3_stmt _insertWord;

    public SqliteSearchInsert(SqliteConnection connection)
    {
        _connection = connection;
        var rc = raw.sqlite3_prepare_v3(
            connection.Handle,
            string.Create(
                CultureInfo.InvariantCulture,
                $"""
                INSERT INTO message_search (rowid, words, chat_id, seq)
                VALUES (COALESCE((SELECT rowid + 1 FROM message_search
                                  WHERE rowid >= ?1 AND rowid < ?1 + {SqliteSearch.RowsPerMillisecond}
                                  ORDER BY rowid DESC LIMIT 1), ?1), ?2, ?3, ?4);
                """),
            raw.SQLITE_PREPARE_PERSISTENT,
            out _insert);
        SqliteException.ThrowExceptionForRC(rc, connection.Handle);
        rc = raw.sqlite3_prepare_v3(
            connection.Handle, "INSERT OR IGNORE INTO search_words (word) VALUES (?1);", raw.SQLITE_PREPARE_PERSISTENT, out _insertWord);
        SqliteException.ThrowExceptionForRC(rc, connection.Handle);
    }

    /// <summary>Indexes the words of <paramref name="text"/>, a text just inserted.</summary>
    public void Insert(StoredMessage text)
    {
        var words = SearchText.Document(text.Content);
        var statement = _insert;
        try
        {
            Check(raw.sqlite3_bind_int64(statement, 1, SqliteSearch.RowidBase(text.SentAt)));
            Check(raw.sqlite3_bind_text16(statement, 2, SqliteSearch.RowOfWords(words, text.ChatId)));
            Check(raw.sqlite3_bind_text16(statement, 3, text.ChatId));
            Check(raw.sqlite3_bind_int64(statement, 4, text.Seq));
            var rc = raw.sqlite3_step(statement);
            if (rc != raw.SQLITE_DONE)
            {
                Check(rc);
            }
        }
        finally
        {
            raw.sqlite3_reset(statement);
            raw.sqlite3_clear_bindings(statement);
        }

        InsertWords(words);
    }

    /// <summary>
    /// Adds each word of <paramref name="document"/> (<see cref="SearchText.Document"/>) that is new, but for those a
    /// prefix index serves: only a longer prefix is expanded, and a word it starts is at least as long.
    /// </summary>
    private void InsertWords(string document)
    {
        var rest = document.AsSpan();
        while (!rest.IsEmpty)
        {
            var space = rest.IndexOf(' ');
            var word = space < 0 ? rest : rest[..space];
            rest = space < 0 ? [] : rest[(space + 1)..];
            if (SqliteSearch.HasPrefixIndex(word))
            {
                continue;
            }

            try
            {
                Check(raw.sqlite3_bind_text16(_insertWord, 1, word));
                var rc = raw.sqlite3_step(_insertWord);
                if (rc != raw.SQLITE_DONE)
                {
                    Check(rc);
                }
            }
            finally
            {
                raw.sqlite3_reset(_insertWord);
            }
        }
    }

    public void Dispose()
    {
        _insert.Dispose();
        _insertWord.Dispose();
    }

    private void Check(int rc) => SqliteException.ThrowExceptionForRC(rc, _connection.Handle);
}
