using System.Data.Common;

namespace OrleansChat.Persistence.Migrations;

/// <summary>One step of a database's schema: applied once, in its own transaction, in version order.</summary>
/// <param name="Version">The step's number; recorded in <c>schema_migrations</c>, so it never changes once shipped.</param>
/// <param name="Name">The step's name, recorded beside its version.</param>
/// <param name="Sql">The statements of the step.</param>
internal sealed record Migration(int Version, string Name, string Sql)
{
    /// <summary>
    /// Work the step does in .NET after its statements, in the same transaction: rows rewritten by a rule SQL cannot
    /// state the same way in every database (search words, whose letters must not depend on the database's locale).
    /// </summary>
    public Func<DbConnection, CancellationToken, Task>? Then { get; init; }
}
