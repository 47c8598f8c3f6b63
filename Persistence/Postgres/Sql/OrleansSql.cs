namespace OrleansChat.Persistence.Postgres;

/// <summary>
/// The project's own tables and statements behind Orleans' ADO.NET providers, in the embedded <c>.sql</c> files beside
/// this class (named after the upstream scripts they stand in for, so the two can be compared; the SQL is written for
/// this project). The providers read their SQL from <c>OrleansQuery</c> (they select <c>QueryKey, QueryText</c> from
/// it by that name) and call each statement with fixed parameter names (<c>@DeploymentId</c>, <c>@GrainIdHash</c>,
/// ...), reading result columns by name (<c>"Version"</c>, <c>"PayloadBinary"</c>, ...) or, for yes/no answers, one
/// column holding a count. Times are <c>timestamptz</c>, etags are integer versions.
/// </summary>
internal static class OrleansSql
{
    /// <summary>
    /// The query table (<c>PostgreSQL-Main.sql</c>) and the membership statements of <c>UseAdoNetClustering</c>
    /// for silos and clients (<c>PostgreSQL-Clustering.sql</c>): one migration.
    /// </summary>
    public static string QueriesAndMembership { get; } = Read("PostgreSQL-Main.sql") + "\n\n" + Read("PostgreSQL-Clustering.sql");

    /// <summary>
    /// Grain state of <c>AddAdoNetGrainStorage</c> (<c>PostgreSQL-Persistence.sql</c>). The key is the provider's
    /// hashes and parts of the grain id; a null key extension and an empty one are different keys. A write always
    /// answers with one row: the new version, or NULL when the expected version (etag) did not match, which the
    /// provider turns into an InconsistentStateException.
    /// </summary>
    public static string GrainState { get; } = Read("PostgreSQL-Persistence.sql");

    /// <summary>
    /// Reminders of <c>UseAdoNetReminderService</c> (<c>PostgreSQL-Reminders.sql</c>). Grain hashes arrive as signed
    /// integers; range 1 is (begin, end] and range 2 is the wrap-around (begin, max] plus [min, end].
    /// </summary>
    public static string Reminders { get; } = Read("PostgreSQL-Reminders.sql");

    /// <summary>An embedded script without its final line break.</summary>
    private static string Read(string fileName)
    {
        var name = $"{typeof(OrleansSql).Namespace}.Sql.{fileName}";
        using var stream = typeof(OrleansSql).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The embedded SQL script '{name}' is missing from the build.");
        using var reader = new StreamReader(stream);
        var text = reader.ReadToEnd();
        return text.EndsWith('\n') ? text[..^1] : text;
    }
}
