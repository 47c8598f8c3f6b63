using System.Text;
using OrleansChat.Gateway.Connections;

namespace OrleansChat.ProtocolTests.Gateway;

/// <summary>
/// The stream under a WebSocket: a batch's writes reach the server as one write, while writes from the socket's other
/// paths (pings, pongs, the close) never stay behind in the buffer and never overlap another write.
/// </summary>
public sealed class CoalescingStreamTests
{
    [Fact]
    public async Task Writes_within_a_batch_reach_the_server_as_one_write_when_the_batch_ends()
    {
        var server = new ServerStream();
        var stream = new CoalescingStream(server);

        stream.BeginBatch();
        await stream.WriteAsync(Bytes("a"), TestContext.Current.CancellationToken);
        await stream.FlushAsync(TestContext.Current.CancellationToken);
        await stream.WriteAsync(Bytes("bb"), TestContext.Current.CancellationToken);
        await stream.WriteAsync(Bytes("ccc"), TestContext.Current.CancellationToken);
        Assert.Empty(server.Writes);

        await stream.EndBatchAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["abbccc"], server.Writes);
        Assert.Equal(0, server.Flushes);
    }

    [Fact]
    public async Task A_write_outside_a_batch_goes_straight_through()
    {
        var server = new ServerStream();
        var stream = new CoalescingStream(server);

        stream.BeginBatch();
        await stream.WriteAsync(Bytes("frame"), TestContext.Current.CancellationToken);
        await stream.EndBatchAsync(TestContext.Current.CancellationToken);
        await stream.WriteAsync(Bytes("ping"), TestContext.Current.CancellationToken);
        await stream.FlushAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["frame", "ping"], server.Writes);
        Assert.Equal(1, server.Flushes);
    }

    [Fact]
    public async Task A_write_too_large_for_the_buffer_follows_what_was_buffered_as_a_write_of_its_own()
    {
        var server = new ServerStream();
        var stream = new CoalescingStream(server);
        var large = new string('x', CoalescingStream.MaxBufferedBytes);

        stream.BeginBatch();
        await stream.WriteAsync(Bytes("small"), TestContext.Current.CancellationToken);
        await stream.WriteAsync(Bytes(large), TestContext.Current.CancellationToken);
        await stream.WriteAsync(Bytes("after"), TestContext.Current.CancellationToken);
        await stream.EndBatchAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["small", large, "after"], server.Writes);
    }

    [Fact]
    public async Task A_write_while_a_batch_is_being_written_waits_for_it_and_never_overlaps_it()
    {
        var server = new ServerStream { Held = true };
        var stream = new CoalescingStream(server);
        stream.BeginBatch();
        await stream.WriteAsync(Bytes("frames"), TestContext.Current.CancellationToken);

        var ending = stream.EndBatchAsync(TestContext.Current.CancellationToken).AsTask();
        await server.WriteStarted.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        var ping = stream.WriteAsync(Bytes("ping"), TestContext.Current.CancellationToken).AsTask();
        Assert.False(ping.IsCompleted);

        server.Release();
        await Task.WhenAll(ending, ping).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal(["frames", "ping"], server.Writes);
        Assert.Equal(1, server.MostAtOnce);
    }

    [Fact]
    public async Task A_batch_whose_end_is_cancelled_keeps_nothing_and_later_writes_go_straight_through()
    {
        var server = new ServerStream { Held = true };
        var stream = new CoalescingStream(server);
        var blocked = stream.WriteAsync(Bytes("blocked"), TestContext.Current.CancellationToken).AsTask();
        await server.WriteStarted.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        stream.BeginBatch();
        await stream.WriteAsync(Bytes("dropped"), TestContext.Current.CancellationToken);

        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stream.EndBatchAsync(cancelled.Token).AsTask());
        server.Release();
        await blocked.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        await stream.WriteAsync(Bytes("pong"), TestContext.Current.CancellationToken);

        Assert.Equal(["blocked", "pong"], server.Writes);
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);
}
