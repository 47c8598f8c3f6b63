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

    [Fact]
    public async Task The_orphan_sweep_removes_old_files_that_no_row_describes_and_keeps_the_others()
    {
        var now = DateTimeOffset.UtcNow;
        var described = Record(3, createdAt: now);
        await StoreAsync(described, [1, 2, 3]);
        var leftOver = Path.Combine(_store.Folder, Guid.NewGuid().ToString("N"));
        var fresh = Path.Combine(_store.Folder, Guid.NewGuid().ToString("N"));
        await File.WriteAllBytesAsync(leftOver, [4, 5, 6], Ct);
        await File.WriteAllBytesAsync(fresh, [7, 8, 9], Ct);
        foreach (var file in new[] { leftOver, Path.Combine(_store.Folder, described.AttachmentId.ToString("N")) })
        {
            File.SetLastWriteTimeUtc(file, now.AddHours(-2).UtcDateTime);
        }

        await Store.DeleteOrphansAsync(now.AddHours(-1), Ct);

        Assert.False(File.Exists(leftOver));
        Assert.True(File.Exists(fresh));
        Assert.Equal(1, await CountStoredPiecesAsync(described.AttachmentId));
    }
}
