using Npgsql;
using OrleansChat.Persistence.Attachments;
using OrleansChat.Persistence.Postgres;

namespace OrleansChat.Persistence.Tests.Attachments;

/// <summary>The conformance suite against chunked rows in PostgreSQL; one database per class on the shared test server.</summary>
public sealed class PostgresAttachmentStoreTests(PostgresTestDatabase database)
    : AttachmentStoreConformanceTests, IClassFixture<PostgresTestDatabase>, IAsyncDisposable
{
    private PostgresDatabase? _opened;

    protected override IAttachmentStore Store => new PostgresAttachmentStore(_opened ??= database.Open());

    protected override async ValueTask<int> CountStoredPiecesAsync(Guid attachmentId)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM attachment_chunks WHERE attachment_id = $1;", connection)
        {
            Parameters = { new NpgsqlParameter<Guid> { TypedValue = attachmentId } },
        };
        return (int)(long)(await command.ExecuteScalarAsync(Ct))!;
    }

    [Fact]
    public async Task A_large_attachment_is_kept_in_chunks_of_a_quarter_mebibyte()
    {
        var record = Record(PostgresAttachmentStore.ChunkBytes * 2 + 1);

        await StoreAsync(record, new byte[record.Size]);

        Assert.Equal(3, await CountStoredPiecesAsync(record.AttachmentId));
    }

    public async ValueTask DisposeAsync()
    {
        if (_opened is not null)
        {
            await _opened.DisposeAsync();
        }
    }
}
