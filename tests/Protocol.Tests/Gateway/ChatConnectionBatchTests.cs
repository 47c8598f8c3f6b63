using OrleansChat.Gateway;
using OrleansChat.Gateway.Connections;

namespace OrleansChat.ProtocolTests.Gateway;

/// <summary>A connection's writer takes the frames already queued together and flushes once per batch.</summary>
public sealed class ChatConnectionBatchTests
{
    [Fact]
    public async Task Frames_queued_before_the_writer_starts_are_written_in_order_with_one_flush()
    {
        var (connection, transport) = TestConnections.Create(new GatewayOptions());
        using var _ = connection;
        for (var i = 1; i <= 5; i++)
        {
            connection.Enqueue(TestConnections.Frame($"f{i}"));
        }

        connection.StartWriter();

        Assert.Equal(["f1", "f2", "f3", "f4", "f5"], await connection.WrittenAsync(transport));
        Assert.Equal([5], transport.Batches);
    }

    [Fact]
    public async Task Heartbeat_comments_are_written_but_not_counted_as_delivered_frames()
    {
        var (metrics, delivered) = TestConnections.CountedMetrics();
        using var _ = delivered;
        var transport = new RecordingTransport();
        using var connection = new ChatConnection(transport, "alice", "session-alice", new GatewayOptions(), metrics);
        connection.Enqueue(TestConnections.Frame("f1"));
        connection.Enqueue(EventStreamTransport.Heartbeat);
        connection.Enqueue(TestConnections.Frame("f2"));
        connection.Enqueue(EventStreamTransport.Heartbeat);

        connection.StartWriter();

        Assert.Equal(["f1", "", "f2", ""], await connection.WrittenAsync(transport));
        Assert.Equal(2, delivered.Total);
    }

    [Fact]
    public async Task A_batch_holds_at_most_MaxFramesPerWrite_frames()
    {
        var (connection, transport) = TestConnections.Create(new GatewayOptions { MaxFramesPerWrite = 2 });
        using var _ = connection;
        for (var i = 1; i <= 5; i++)
        {
            connection.Enqueue(TestConnections.Frame($"f{i}"));
        }

        connection.StartWriter();

        Assert.Equal(["f1", "f2", "f3", "f4", "f5"], await connection.WrittenAsync(transport));
        Assert.Equal([2, 2, 1], transport.Batches);
    }

    [Fact]
    public async Task A_batch_takes_no_further_frame_once_it_holds_64_KiB()
    {
        var (connection, transport) = TestConnections.Create(new GatewayOptions());
        using var _ = connection;
        var large = new string('x', 40 * 1024);
        for (var i = 0; i < 3; i++)
        {
            connection.Enqueue(TestConnections.Frame(large));
        }

        connection.StartWriter();

        Assert.Equal(3, (await connection.WrittenAsync(transport)).Count);
        Assert.Equal([2, 1], transport.Batches);
    }

    [Fact]
    public async Task A_lone_frame_is_flushed_without_waiting_for_another()
    {
        var (connection, transport) = TestConnections.Open();
        using var _ = connection;

        connection.Enqueue(TestConnections.Frame("only"));

        Assert.Equal("only", await transport.NextAsync());
        Assert.Equal(1, await transport.NextFlushAsync());
    }
}
