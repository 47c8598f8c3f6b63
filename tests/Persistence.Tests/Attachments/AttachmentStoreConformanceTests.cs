using OrleansChat.Persistence.Attachments;

namespace OrleansChat.Persistence.Tests.Attachments;

/// <summary>
/// The behaviour every <see cref="IAttachmentStore"/> must have; a store runs it by subclassing. Tests use fresh ids,
/// so one database may serve every test, and count only their own pieces.
/// </summary>
public abstract class AttachmentStoreConformanceTests
{
    /// <summary>A time with millisecond precision, as stores keep it.</summary>
    protected static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_780_000_000_123);

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected abstract IAttachmentStore Store { get; }

    /// <summary>How many pieces of the attachment's bytes (files, partial files or chunk rows) the storage holds, read past the store.</summary>
    protected abstract ValueTask<int> CountStoredPiecesAsync(Guid attachmentId);

    [Fact]
    public async Task A_committed_attachment_is_found_with_its_description_and_reads_back_byte_for_byte()
    {
        var bytes = RandomBytes(700 * 1024 + 17);
        var record = Record(bytes.Length);

        await StoreAsync(record, bytes, pieceBytes: 100_000);

        Assert.Equal(record, await Store.FindAsync(record.AttachmentId, Ct));
        Assert.Equal(bytes, await ReadAsync(record.AttachmentId, 0, bytes.Length));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(262_143, 2)]
    [InlineData(100, 600_000)]
    [InlineData(524_288, 10)]
    [InlineData(716_816, 1)]
    public async Task A_range_reads_exactly_the_bytes_it_names(int offset, int length)
    {
        var bytes = RandomBytes(700 * 1024 + 17);
        var record = Record(bytes.Length);
        await StoreAsync(record, bytes);

        Assert.Equal(bytes.AsSpan(offset, length).ToArray(), await ReadAsync(record.AttachmentId, offset, length));
    }

    [Fact]
    public async Task Nothing_is_found_while_an_attachment_is_being_written()
    {
        var id = Guid.CreateVersion7();
        await using var writer = await Store.BeginAsync(id, Ct);
        await writer.WriteAsync(RandomBytes(300_000), Ct);

        Assert.Null(await Store.FindAsync(id, Ct));
    }

    [Fact]
    public async Task A_writer_disposed_without_committing_leaves_nothing_behind()
    {
        var id = Guid.CreateVersion7();
        await using (var writer = await Store.BeginAsync(id, Ct))
        {
            await writer.WriteAsync(RandomBytes(600_000), Ct);
        }

        Assert.Null(await Store.FindAsync(id, Ct));
        Assert.Equal(0, await CountStoredPiecesAsync(id));
    }

    [Fact]
    public async Task A_thumbnail_is_none_until_saved_and_then_kept()
    {
        var record = Record(3);
        await StoreAsync(record, [1, 2, 3]);
        Assert.Null(await Store.ReadThumbnailAsync(record.AttachmentId, Ct));

        await Store.SaveThumbnailAsync(record.AttachmentId, [9, 8, 7], Ct);

        Assert.Equal([9, 8, 7], await Store.ReadThumbnailAsync(record.AttachmentId, Ct));
    }

    [Fact]
    public async Task Deleting_an_attachment_removes_its_description_and_its_bytes()
    {
        var record = Record(300_000);
        await StoreAsync(record, RandomBytes(300_000));

        Assert.True(await Store.DeleteAsync(record.AttachmentId, Ct));

        Assert.Null(await Store.FindAsync(record.AttachmentId, Ct));
        Assert.Equal(0, await CountStoredPiecesAsync(record.AttachmentId));
        Assert.False(await Store.DeleteAsync(record.AttachmentId, Ct));
    }

    [Fact]
    public async Task Removing_orphans_removes_unreferenced_uploads_created_before_the_cut_off_only()
    {
        var old = Record(3, createdAt: T0.AddDays(-400));
        var young = Record(3, createdAt: T0.AddDays(-400).AddMinutes(2));
        var carried = Record(3, createdAt: T0.AddDays(-401)) with { ChatId = "chat", Seq = 7 };
        foreach (var record in new[] { old, young, carried })
        {
            await StoreAsync(record, [1, 2, 3]);
        }

        var removed = await Store.DeleteOrphansAsync(T0.AddDays(-400).AddMinutes(1), Ct);

        Assert.Equal(1, removed);
        Assert.Null(await Store.FindAsync(old.AttachmentId, Ct));
        Assert.Equal(0, await CountStoredPiecesAsync(old.AttachmentId));
        Assert.Equal(young, await Store.FindAsync(young.AttachmentId, Ct));
        Assert.Equal(carried, await Store.FindAsync(carried.AttachmentId, Ct));
    }

    protected static AttachmentRecord Record(long size, DateTimeOffset? createdAt = null) => new(
        Guid.CreateVersion7(), "alice", "holiday photo.png", "image/png", size, new string('a', 64), 640, 480, createdAt ?? T0);

    protected async Task StoreAsync(AttachmentRecord record, byte[] bytes, int pieceBytes = 65_536)
    {
        await using var writer = await Store.BeginAsync(record.AttachmentId, Ct);
        for (var offset = 0; offset < bytes.Length; offset += pieceBytes)
        {
            await writer.WriteAsync(bytes.AsMemory(offset, Math.Min(pieceBytes, bytes.Length - offset)), Ct);
        }

        await writer.CommitAsync(record, Ct);
    }

    private async Task<byte[]> ReadAsync(Guid id, long offset, long length)
    {
        using var destination = new MemoryStream();
        await Store.CopyToAsync(id, offset, length, destination, Ct);
        return destination.ToArray();
    }

    private static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }
}
