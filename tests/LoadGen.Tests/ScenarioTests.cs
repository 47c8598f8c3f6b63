using OrleansChat.LoadGen;
using OrleansChat.LoadGen.Mix;

namespace OrleansChat.LoadGenTests;

/// <summary>Short runs of each scenario against a real in-process server: the generator's own checks pass.</summary>
[Collection(SharedServer.Name)]
public sealed class ScenarioTests(ChatServerFixture server)
{
    private LoadOptions Options(string scenario) => new()
    {
        Scenario = scenario,
        Target = "orleanschat",
        Url = server.BaseAddress,
        SigningKey = ChatServerFixture.SigningKey,
        ServerPid = Environment.ProcessId,
        SourceAddresses = 2,
        DurationSeconds = 2,
        WarmupSeconds = 0.5,
    };

    [Fact]
    public async Task A_short_fanout_run_delivers_every_message_to_every_member_in_order()
    {
        var result = await LoadRunner.RunAsync(Options("fanout") with { Chats = 2, Members = 5, Rate = 20 }, TestContext.Current.CancellationToken);

        Assert.True(result.CorrectnessPassed, string.Join("; ", result.Violations));
        Assert.Equal(0, result.Errors);
        Assert.Equal(2 * 5 * 40, result.Received);
        Assert.True(result.Throughput > 0);
        Assert.True(result.Latency.Count > 0);
    }

    [Fact]
    public async Task A_short_fanout_run_with_cpu_pids_records_the_server_cpu_over_the_measured_window_under_the_target_name_given()
    {
        var options = Options("fanout") with
        {
            Chats = 2, Members = 5, Rate = 20, Cpu = [new("server", Environment.ProcessId)], TargetName = "orleanschat-cluster",
        };

        var result = await LoadRunner.RunAsync(options, TestContext.Current.CancellationToken);

        Assert.True(result.CorrectnessPassed, string.Join("; ", result.Violations));
        Assert.Equal("orleanschat-cluster", result.Target);
        Assert.Equal(1.5, result.MeasuredSeconds);
        Assert.Equal("server", Assert.Single(result.ProcessCpuSeconds.Keys));
        // The server is this process: it delivered every frame within the window, so it spent CPU there, and no more
        // than every core of the machine for the whole window.
        Assert.InRange(result.ProcessCpuSeconds["server"], 0.01, 1.5 * Environment.ProcessorCount);
        Assert.True(result.CpuMicrosecondsPerMessage("server") > 0);
    }

    [Fact]
    public async Task A_short_fanout_run_with_receivers_on_event_streams_delivers_every_message_to_every_member_in_order()
    {
        var result = await LoadRunner.RunAsync(Options("fanout") with { Chats = 2, Members = 5, Rate = 20, Receivers = "sse" }, TestContext.Current.CancellationToken);

        Assert.True(result.CorrectnessPassed, string.Join("; ", result.Violations));
        Assert.Equal(0, result.Errors);
        Assert.Equal(2 * 5 * 40, result.Received);
        Assert.Contains("receivers on events", result.Shape, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_short_direct_run_acks_every_send_and_delivers_it_to_both_sides_in_order()
    {
        var result = await LoadRunner.RunAsync(Options("direct") with { Pairs = 4, Rate = 20 }, TestContext.Current.CancellationToken);

        Assert.True(result.CorrectnessPassed, string.Join("; ", result.Violations));
        Assert.Equal(0, result.Errors);
        Assert.Equal(4 * 2 * 40 * 2, result.Received);
        Assert.True(result.AckLatency.Count > 0);
    }

    [Fact]
    public async Task A_short_chatlist_run_lists_every_chat_with_the_unread_counts_its_setup_wrote()
    {
        var result = await LoadRunner.RunAsync(Options("chatlist") with { Chats = 8, Requests = 20 }, TestContext.Current.CancellationToken);

        Assert.Equal(0, result.Errors);
        Assert.Empty(result.Violations);
        Assert.StartsWith("8 chats of 2-3 members, 15 unread, 2 mentions, 20 sequential GET /me/chats after 2 warm-up, server CPU ", result.Shape);
        Assert.Equal(20, result.Latency.Count);
    }

    [Fact]
    public async Task A_short_mixed_direct_run_acks_texts_edits_and_reactions_and_both_sides_receive_every_seq_in_order()
    {
        var options = Options("direct") with { Pairs = 4, Rate = 20, Mix = TrafficMix.Parse("text=80,edit=10,reaction=10") };

        var result = await LoadRunner.RunAsync(options, TestContext.Current.CancellationToken);

        Assert.True(result.CorrectnessPassed, string.Join("; ", result.Violations));
        Assert.Equal(0, result.Errors);
        Assert.Equal("text=80,edit=10,reaction=10", result.Mix);
        Assert.Equal(4 * 2 * 40, result.AckedByKind.Values.Sum());
        Assert.True(result.AckedByKind["edit"] > 0 && result.AckedByKind["reaction"] > 0, string.Join(", ", result.AckedByKind));
        // Every event, change events included, reaches both sides of its pair.
        Assert.Equal(4 * 2 * 40 * 2, result.Received);
    }

    [Fact]
    public async Task A_short_connections_run_holds_every_connection_and_reads_the_server_memory()
    {
        var result = await LoadRunner.RunAsync(
            Options("connections") with { Connections = 100, ConnectConcurrency = 20, HoldSeconds = 1, HeartbeatSeconds = 0.5 },
            TestContext.Current.CancellationToken);

        Assert.Equal(0, result.Errors);
        Assert.Equal(100, result.Connections);
        Assert.True(result.Throughput > 0);
        // The server is this process: its resident memory, read here, is what the generator must have read.
        var resident = Environment.WorkingSet;
        AssertPlausibleResidentMemory(result.ServerMemoryBefore, resident);
        AssertPlausibleResidentMemory(result.ServerMemoryAfter, resident);
    }

    /// <summary>
    /// Within a factor of two of this process's own reading: memory moves during a run, but a wrong unit (KiB for
    /// bytes), another process's figure or a made-up number is off by far more.
    /// </summary>
    private static void AssertPlausibleResidentMemory(long? read, long resident)
    {
        Assert.NotNull(read);
        Assert.InRange(read.Value, resident / 2, resident * 2);
    }
}
