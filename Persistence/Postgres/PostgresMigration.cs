namespace OrleansChat.Persistence.Postgres;

/// <summary>One step of the schema: applied once, in its own transaction, in version order.</summary>
internal sealed record PostgresMigration(int Version, string Name, string Sql);
