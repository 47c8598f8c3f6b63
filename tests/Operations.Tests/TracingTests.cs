using System.Collections.Concurrent;
using System.Diagnostics;
using OrleansChat.TestInfrastructure;

namespace OrleansChat.OperationsTests;

/// <summary>
/// Tracing on (<c>OpenTelemetry:Otlp:Endpoint</c> set), spans collected in this process by an
/// <see cref="ActivityListener"/>: one <c>send</c> frame over a real WebSocket makes one trace from the gateway's
/// frame through the room grain's call to the store's append transaction.
/// </summary>
public sealed class TracingTests : IDisposable
{
    private const string SigningKey = "operations-tests-signing-key-0123456789abcdef";

    private readonly ScratchDirectory _data = new("orleanschat-operations");
    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly ActivityListener _listener;

    public TracingTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith("OrleansChat.", StringComparison.Ordinal)
                || source.Name.StartsWith("Microsoft.Orleans.", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    [Fact]
    public async Task One_send_frame_makes_one_trace_from_the_gateway_through_the_room_grain_to_the_store_commit()
    {
        // Nothing listens at this address: the OTLP exporter's batches fail quietly; the listener above sees every span.
        await using var server = await InProcessChatServer.StartAsync(
            _data.Path, SigningKey, [$"OpenTelemetry:Otlp:Endpoint=http://127.0.0.1:{LoopbackPorts.Free()}"]);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        await using var alice = await ChatClient.ConnectAsync("alice-" + suffix, server.BaseAddress, SigningKey);
        var chat = await alice.PostAsync("/api/v1/chats", new { title = "traced", members = new[] { "bob-" + suffix } });
        var chatId = chat.GetProperty("chatId").GetString()!;

        await alice.SendAsync(new { type = "send", @ref = "traced", chatId, clientMsgId = "traced-" + suffix, content = "hello" });
        var ack = await alice.NextAsync(f => f.TryGetProperty("ref", out var r) && r.GetString() == "traced", TimeSpan.FromSeconds(30));
        Assert.Equal("ack", ack.GetProperty("type").GetString());

        // The frame's span ends when the send is admitted; the grain's and the store's may end just after the ack.
        var frame = await SpanAsync(s => s.Source.Name == "OrleansChat.Gateway" && (string?)s.GetTagItem("chat.frame.type") == "send"
            && s.Links.Any());
        var trace = frame.TraceId;
        Assert.Equal(default, frame.ParentSpanId);
        var grainCall = await SpanAsync(s => s.TraceId == trace && s.Source.Name.StartsWith("Microsoft.Orleans.", StringComparison.Ordinal)
            && s.DisplayName.Contains("SendBatch", StringComparison.Ordinal));
        var append = await SpanAsync(s => s.TraceId == trace && s.Source.Name == "OrleansChat.Storage" && s.OperationName == "chat.store.append");
        Assert.Equal(1, append.GetTagItem("chat.store.messages"));
        Assert.True(grainCall.StartTimeUtc <= append.StartTimeUtc, "the store's transaction began before the grain call that asked for it");
    }

    public void Dispose()
    {
        _listener.Dispose();
        _data.Dispose();
    }

    private async Task<Activity> SpanAsync(Func<Activity, bool> match)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var found = _spans.FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, "No such span; spans seen:\n" + string.Join("\n", _spans.Select(s => $"{s.Source.Name} {s.DisplayName} {s.TraceId}")));
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }
}
