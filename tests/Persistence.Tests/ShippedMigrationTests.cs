using System.Security.Cryptography;
using System.Text;
using OrleansChat.Persistence.Postgres;

namespace OrleansChat.Persistence.Tests;

/// <summary>
/// A migration runs once per database and is recorded by version only, so its SQL must never change once shipped:
/// a database migrated before would keep the old schema while a new one got another.
/// </summary>
public sealed class ShippedMigrationTests
{
    [Theory]
    [InlineData(2, "1d475935ca2e2aefa396df5703d24e9a9b4bfff4d7ae6d011225208d491d0482")]
    [InlineData(3, "e7c3b4ede35a6e052a5156085ea6e06b74eeb715c540330f82cf8a156a374b6f")]
    [InlineData(4, "5ae3fb69a76fd431b7ff819b51859a274e708dde9ed4adc4d737520a31d22fe3")]
    public void A_shipped_PostgreSQL_migration_keeps_the_SQL_it_shipped_with(int version, string sha256)
    {
        var migration = Assert.Single(PostgresMigrations.All, m => m.Version == version);

        Assert.Equal(sha256, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(migration.Sql))));
    }
}
