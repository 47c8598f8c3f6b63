using System.Net.Sockets;

namespace OrleansChat.ProtocolTests.Attachments;

/// <summary>Bodies that lie about their length or stop half way: each is refused or dropped, and no file is left behind.</summary>
[Collection(AttachmentServer.Name)]
public sealed class BrokenUploadTests(AttachmentServerFixture fixture)
{
    private const string Boundary = "b0undary-of-the-test";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_Content_Length_that_promises_more_than_is_sent_stores_nothing()
    {
        var alice = fixture.Server.NewUser("alice");
        var before = fixture.StoredFiles();
        byte[] body = [.. Samples.PartHead(Boundary), .. Samples.Text(50_000), .. Samples.Close(Boundary)];
        await using var raw = await fixture.OpenRawAsync(alice, Boundary, body.Length + 10_000);

        await raw.WriteAsync(body, Ct);
        ((NetworkStream)raw).Socket.Shutdown(SocketShutdown.Send);

        // The body ends before its declared length: the request is dropped (or answered 400), never stored.
        Assert.Contains(await RawHttp.ReadStatusOrNullAsync(raw), new int?[] { null, 400 });
        await Eventually(() => fixture.StoredFiles().SequenceEqual(before), "no file to be left");
    }

    [Fact]
    public async Task A_Content_Length_shorter_than_the_body_cuts_the_multipart_short_and_gets_400()
    {
        var alice = fixture.Server.NewUser("alice");
        var before = fixture.StoredFiles();
        byte[] body = [.. Samples.PartHead(Boundary), .. Samples.Text(50_000), .. Samples.Close(Boundary)];
        await using var raw = await fixture.OpenRawAsync(alice, Boundary, body.Length - 10_000);

        await raw.WriteAsync(body, Ct);

        Assert.Equal(400, await RawHttp.ReadStatusAsync(raw));
        Assert.Equal(before, fixture.StoredFiles());
    }

    [Fact]
    public async Task An_upload_cut_off_half_way_leaves_no_file_behind()
    {
        var alice = fixture.Server.NewUser("alice");
        var before = fixture.StoredFiles();
        var raw = await fixture.OpenRawAsync(alice, Boundary, 600_000);
        await raw.WriteAsync(Samples.PartHead(Boundary), Ct);
        await raw.WriteAsync(Samples.Text(300_000), Ct);
        await Eventually(() => fixture.StoredFiles().Any(f => f.EndsWith(".partial", StringComparison.Ordinal)), "the upload to start");

        await raw.DisposeAsync();

        await Eventually(() => fixture.StoredFiles().SequenceEqual(before), "the partial file to go");
    }

    /// <summary>The server tells nobody when it has dropped a connection's upload: its folder is watched until it has.</summary>
    private static async Task Eventually(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(20, Ct);
        }
    }
}
