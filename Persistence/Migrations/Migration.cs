namespace OrleansChat.Persistence.Migrations;

/// <summary>One step of a database's schema: applied once, in its own transaction, in version order.</summary>
/// <param name="Version">The step's number; recorded in <c>schema_migrations</c>, so it never changes once shipped.</param>
/// <param name="Name">The step's name, recorded beside its version.</param>
/// <param name="Sql">The statements of the step.</param>
internal sealed record Migration(int Version, string Name, string Sql);
