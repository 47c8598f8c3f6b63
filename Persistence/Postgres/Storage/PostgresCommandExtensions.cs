using Npgsql;
using OrleansChat.Persistence.Reading;

namespace OrleansChat.Persistence.Postgres;

/// <summary>Small helpers that keep the SQL readable at the call sites; parameters are positional (<c>$1</c>, <c>$2</c>, ...).</summary>
internal static class PostgresCommandExtensions
{
    public static NpgsqlCommand Command(this NpgsqlConnection connection, string sql, params object?[] values)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        return command;
    }

    public static async Task ExecuteAsync(this NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object?[] values)
    {
        var command = connection.Command(sql, values);
        await using (command.ConfigureAwait(false))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public static Task<List<T>> ReadAllAsync<T>(this NpgsqlCommand command, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken) =>
        DbRows.ReadAllAsync(command, read, cancellationToken);
}
