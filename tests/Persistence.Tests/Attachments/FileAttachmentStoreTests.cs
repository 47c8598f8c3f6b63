using OrleansChat.Persistence.Attachments;

namespace OrleansChat.Persistence.Tests.Attachments;

/// <summary>The conformance suite against files under the data directory, described in chat.db.</summary>
public sealed class FileAttachmentStoreTests(SqliteTestDatabase database)
    : AttachmentStoreConformanceTests, IClassFixture<SqliteTestDatabase>
{
    private readonly FileAttachmentStore _store = new(database.Database);

    protected override IAttachmentStore Store => _store;

    protected override ValueTask<int> CountStoredPiecesAsync(Guid attachmentId) =>
        ValueTask.FromResult(Directory.Exists(_store.Folder)
            ? Directory.EnumerateFiles(_store.Folder, $"{attachmentId:N}*").Count()
            : 0);

    [Fact]
    public async Task The_bytes_are_written_under_a_temporary_name_and_appear_under_the_id_only_when_committed()
    {
        var record = Record(4);
        await using var writer = await Store.BeginAsync(record.AttachmentId, Ct);
        await writer.WriteAsync(new byte[] { 1, 2, 3, 4 }, Ct);

        Assert.False(File.Exists(Path.Combine(_store.Folder, record.AttachmentId.ToString("N"))));
        Assert.Single(Directory.EnumerateFiles(_store.Folder, $"{record.AttachmentId:N}.*.partial"));

        await writer.CommitAsync(record, Ct);

        Assert.Equal([1, 2, 3, 4], await File.ReadAllBytesAsync(Path.Combine(_store.Folder, record.AttachmentId.ToString("N")), Ct));
        Assert.Empty(Directory.EnumerateFiles(_store.Folder, $"{record.AttachmentId:N}.*.partial"));
    }
}
