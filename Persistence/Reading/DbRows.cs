using System.Data.Common;

namespace OrleansChat.Persistence.Reading;

/// <summary>Reads every row of a command through a provider's own reader type.</summary>
internal static class DbRows
{
    public static async Task<List<T>> ReadAllAsync<TReader, T>(DbCommand command, Func<TReader, T> read, CancellationToken cancellationToken)
        where TReader : DbDataReader
    {
        var rows = new List<T>();
        var reader = (TReader)await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(read(reader));
            }
        }

        return rows;
    }
}
