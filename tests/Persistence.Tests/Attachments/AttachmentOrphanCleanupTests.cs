using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OrleansChat.Persistence.Attachments;

namespace OrleansChat.Persistence.Tests.Attachments;

/// <summary>Uploads that no message carries go after Attachments:OrphanTtl, swept on the clock the silo is given.</summary>
public sealed class AttachmentOrphanCleanupTests(SqliteTestDatabase database) : IClassFixture<SqliteTestDatabase>
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_790_000_000_000);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_upload_no_message_carries_is_removed_by_the_first_sweep_after_its_time_to_live_and_not_before()
    {
        var time = new FakeTimeProvider(T0);
        var store = new FileAttachmentStore(database.Database);
        var orphan = await UploadAsync(store, T0, chatId: null);
        var carried = await UploadAsync(store, T0, chatId: "chat");
        var options = Options.Create(new AttachmentOptions { OrphanTtl = TimeSpan.FromHours(24), CleanupInterval = TimeSpan.FromHours(1) });
        using var cleanup = new AttachmentOrphanCleanup(store, options, time, NullLogger<AttachmentOrphanCleanup>.Instance);
        var next = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        cleanup.Swept += removed => Interlocked.Exchange(ref next, new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(removed);

        var atStart = next.Task;
        await cleanup.StartAsync(Ct);
        Assert.Equal(0, await atStart.WaitAsync(Ct));

        for (var hour = 1; hour <= 24; hour++)
        {
            var sweep = next.Task;
            time.Advance(TimeSpan.FromHours(1));
            Assert.Equal(0, await sweep.WaitAsync(Ct));
        }

        Assert.NotNull(await store.FindAsync(orphan, Ct));
        var due = next.Task;
        time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, await due.WaitAsync(Ct));

        Assert.Null(await store.FindAsync(orphan, Ct));
        Assert.False(File.Exists(Path.Combine(store.Folder, orphan.ToString("N"))));
        Assert.NotNull(await store.FindAsync(carried, Ct));
        await cleanup.StopAsync(Ct);
    }

    private static async Task<Guid> UploadAsync(FileAttachmentStore store, DateTimeOffset createdAt, string? chatId)
    {
        var id = Guid.CreateVersion7();
        await using var writer = await store.BeginAsync(id, Ct);
        await writer.WriteAsync(new byte[] { 1, 2, 3 }, Ct);
        await writer.CommitAsync(new AttachmentRecord(id, "alice", "a.txt", "text/plain", 3, new string('0', 64), null, null, createdAt, chatId, chatId is null ? null : 1), Ct);
        return id;
    }
}
