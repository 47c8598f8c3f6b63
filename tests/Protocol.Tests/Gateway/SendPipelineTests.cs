using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansChat.Gateway;
using OrleansChat.Gateway.Connections;

namespace OrleansChat.ProtocolTests.Gateway;

/// <summary>One connection's sends: one room call in flight per chat, batches of what waited, answers in read order.</summary>
public sealed class SendPipelineTests
{
    private static (SendPipeline Pipeline, ScriptedRooms Rooms, ChatConnection Connection, RecordingTransport Transport) Start(int maxSendsInFlight = 64)
    {
        var (grains, rooms) = ScriptedRooms.Create();
        var (connection, transport) = TestConnections.Open();
        var metrics = TestConnections.Metrics();
        return (new SendPipeline(connection, grains, metrics, TimeProvider.System, NullLogger.Instance, maxSendsInFlight), rooms, connection, transport);
    }

    private static ValueTask Send(SendPipeline pipeline, string chatId, string id) =>
        pipeline.SubmitAsync(chatId, "ref-" + id, new SendCommand("alice", id, "hello"));

    private static string RefOf(string frame)
    {
        using var json = JsonDocument.Parse(frame);
        return json.RootElement.GetProperty("type").GetString() + ":" + json.RootElement.GetProperty("ref").GetString();
    }

    [Fact]
    public async Task A_send_answered_first_waits_for_the_answer_of_a_send_read_before_it_in_a_slower_chat()
    {
        var (pipeline, rooms, connection, transport) = Start();
        await Send(pipeline, "slow", "a");
        await Send(pipeline, "fast", "b");
        await Send(pipeline, "fast", "c");
        var slow = await rooms.NextCallAsync();
        var fast = await rooms.NextCallAsync();

        // The fast chat's next call is made once every send of its first call is answered.
        fast.AckAll();
        var fastAgain = await rooms.NextCallAsync();
        slow.AckAll();
        fastAgain.AckAll();
        await pipeline.AnsweredAsync();

        Assert.Equal(["c"], fastAgain.ClientMsgIds);
        Assert.Equal(["ack:ref-a", "ack:ref-b", "ack:ref-c"], (await connection.WrittenAsync(transport)).Select(RefOf));
    }

    [Fact]
    public async Task Sends_to_a_chat_while_its_call_is_in_flight_go_together_in_its_next_call()
    {
        var (pipeline, rooms, connection, transport) = Start();
        await Send(pipeline, "chat", "1");
        await Send(pipeline, "chat", "2");
        await Send(pipeline, "chat", "3");
        var first = await rooms.NextCallAsync();

        first.AckAll();
        var second = await rooms.NextCallAsync();
        second.AckAll();
        await pipeline.AnsweredAsync();

        Assert.Equal(["1"], first.ClientMsgIds);
        Assert.Equal(["2", "3"], second.ClientMsgIds);
        Assert.False(rooms.TryTakeCall(out _));
        Assert.Equal(["ack:ref-1", "ack:ref-2", "ack:ref-3"], (await connection.WrittenAsync(transport)).Select(RefOf));
    }

    [Fact]
    public async Task Sends_that_piled_up_beyond_the_batch_size_go_in_the_calls_after()
    {
        var (pipeline, rooms, _, _) = Start(maxSendsInFlight: 1000);
        for (var i = 0; i <= SendPipeline.MaxBatchSize + 44; i++)
        {
            await Send(pipeline, "chat", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var sizes = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            var call = await rooms.NextCallAsync();
            sizes.Add(call.Commands.Count);
            call.AckAll();
        }

        await pipeline.AnsweredAsync();
        Assert.Equal([1, SendPipeline.MaxBatchSize, 44], sizes);
    }

    [Fact]
    public async Task A_send_beyond_the_in_flight_limit_is_admitted_once_an_earlier_one_is_answered()
    {
        var (pipeline, rooms, connection, transport) = Start(maxSendsInFlight: 2);
        await Send(pipeline, "one", "a");
        await Send(pipeline, "two", "b");
        var third = Send(pipeline, "three", "c").AsTask();
        Assert.False(third.IsCompleted);

        (await rooms.NextCallAsync()).AckAll();
        await third;
        (await rooms.NextCallAsync()).AckAll();
        (await rooms.NextCallAsync()).AckAll();
        await pipeline.AnsweredAsync();

        Assert.Equal(["ack:ref-a", "ack:ref-b", "ack:ref-c"], (await connection.WrittenAsync(transport)).Select(RefOf));
    }

    [Fact]
    public async Task A_failed_call_answers_every_send_of_its_batch_with_an_error_in_order()
    {
        var (pipeline, rooms, connection, transport) = Start();
        await Send(pipeline, "chat", "1");
        await Send(pipeline, "chat", "2");
        await Send(pipeline, "chat", "3");
        (await rooms.NextCallAsync()).AckAll();
        (await rooms.NextCallAsync()).Answer.SetException(new TimeoutException());
        await pipeline.AnsweredAsync();

        Assert.Equal(["ack:ref-1", "error:ref-2", "error:ref-3"], (await connection.WrittenAsync(transport)).Select(RefOf));
    }
}
