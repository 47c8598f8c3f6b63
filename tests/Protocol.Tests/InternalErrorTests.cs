using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OrleansChat.ProtocolTests;

/// <summary>PROTOCOL.md 4: every <c>internal</c> answer leaves one Error log line whose trace id the answer carries too.</summary>
public sealed class InternalErrorTests : IAsyncLifetime
{
    /// <summary>Grain calls that name a chat starting with this fail as a bug would, with an exception nobody maps.</summary>
    private const string Faulty = "faulty-";

    private readonly LogRecorder _log = new(LogLevel.Error);

    private ChatServer Server { get; set; } = null!;

    public async ValueTask InitializeAsync() => Server = await ChatServer.StartWithAsync(
        builder =>
        {
            builder.Logging.AddProvider(_log);
            builder.Services.AddSingleton<IOutgoingGrainCallFilter>(new FailingCalls());
        },
        null);

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();

    [Fact]
    public async Task A_rest_500_carries_the_trace_id_of_its_error_log_line()
    {
        var alice = Server.NewUser("alice");

        using var response = await alice.GetAsync($"chats/{Faulty}{Guid.NewGuid():N}");

        var problem = await Expect.ProblemAsync(response, HttpStatusCode.InternalServerError, "internal");
        AssertOneErrorLineFor(problem.Text("traceId"));
        Assert.DoesNotContain(FaultException.Text, problem.Text("detail"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_websocket_internal_error_carries_the_trace_id_of_its_error_log_line()
    {
        var alice = Server.NewUser("alice");
        await using var socket = await alice.ConnectAsync();

        await socket.SendAsync(new { type = "read", @ref = "r1", chatId = $"{Faulty}{Guid.NewGuid():N}", seq = 1 });

        var error = await socket.ReceiveAsync("error");
        Expect.Error(error, "internal", "r1");
        AssertOneErrorLineFor(error.Text("traceId"));
    }

    [Fact]
    public async Task A_send_that_fails_internally_carries_the_trace_id_of_its_error_log_line()
    {
        var alice = Server.NewUser("alice");
        await using var socket = await alice.ConnectAsync();

        await socket.SendAsync(new { type = "send", @ref = "s1", chatId = $"{Faulty}{Guid.NewGuid():N}", clientMsgId = "k1", content = "hi" });

        var error = await socket.ReceiveAsync("error");
        Expect.Error(error, "internal", "s1");
        AssertOneErrorLineFor(error.Text("traceId"));
    }

    private void AssertOneErrorLineFor(string traceId)
    {
        Assert.Matches("^[0-9a-f]{32}$", traceId);
        var line = Assert.Single(_log.Lines, e => e.Message.Contains(traceId, StringComparison.Ordinal));
        Assert.IsType<FaultException>(line.Exception);
    }

    private sealed class FailingCalls : IOutgoingGrainCallFilter
    {
        public Task Invoke(IOutgoingGrainCallContext context)
        {
            var arguments = Enumerable.Range(0, context.Request.GetArgumentCount()).Select(context.Request.GetArgument);
            var named = context.TargetId.Key.ToString()!.StartsWith(Faulty, StringComparison.Ordinal)
                || arguments.Any(a => a is string s && s.StartsWith(Faulty, StringComparison.Ordinal));
            return named ? throw new FaultException() : context.Invoke();
        }
    }

    private sealed class FaultException() : InvalidOperationException(Text)
    {
        public const string Text = "a fault injected by the test";
    }
}
