using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrleansChat.Persistence.Sqlite;
using OrleansChat.TestInfrastructure;

namespace OrleansChat.Persistence.Tests;

/// <summary>A chat.db in its own temp folder; stores opened over it; the folder is deleted on dispose.</summary>
public sealed class SqliteTestDatabase : IDisposable
{
    private readonly ScratchDirectory _directory = new("orleanschat-persistence-tests");

    public SqliteTestDatabase()
    {
        Database = Open();
    }

    public string DataDirectory => _directory.Path;

    public SqliteDatabase Database { get; private set; }

    public StorageOptions Options(int maxMessagesPerTransaction = 2000) =>
        new() { DataDirectory = DataDirectory, MaxMessagesPerTransaction = maxMessagesPerTransaction };

    public SqliteDatabase Open(TimeProvider? timeProvider = null) =>
        new(Microsoft.Extensions.Options.Options.Create(Options()), timeProvider ?? TimeProvider.System);

    /// <summary>A store over <see cref="Database"/>; <paramref name="beforeTransactionAsync"/> runs before each merged transaction.</summary>
    public SqliteMessageStore OpenStore(int maxMessagesPerTransaction = 2000, Func<int, Task>? beforeTransactionAsync = null)
    {
        var dialect = new SqliteAppendDialect(Database);
        return new(
            Database,
            Microsoft.Extensions.Options.Options.Create(Options(maxMessagesPerTransaction)),
            TestStorageMetrics.Create(),
            NullLogger<SqliteMessageStore>.Instance,
            beforeTransactionAsync is null ? dialect : new HookedDialect(dialect, beforeTransactionAsync));
    }

    /// <summary>Closes the database (and its pooled connections) and opens the same file again.</summary>
    public void Reopen()
    {
        Database.Dispose();
        Database = Open();
    }

    public void Dispose()
    {
        Database.Dispose();
        _directory.Dispose();
    }
}
