namespace OrleansChat.Persistence.Postgres;

/// <summary>How the cluster reaches PostgreSQL for messages and the push outbox.</summary>
public sealed class PostgresStorageOptions
{
    /// <summary>The name under <c>ConnectionStrings</c> that selects PostgreSQL: <c>ConnectionStrings:Postgres</c>.</summary>
    public const string ConnectionStringName = "Postgres";

    /// <summary>An Npgsql connection string; required.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// The most messages one append transaction holds (bound from <c>Storage:MaxMessagesPerTransaction</c>, as for
    /// SQLite). Appends from many rooms that arrive while a transaction is being written are merged into the next one.
    /// </summary>
    public int MaxMessagesPerTransaction { get; set; } = 2000;
}
