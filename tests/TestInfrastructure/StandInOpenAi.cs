using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OrleansChat.TestInfrastructure;

/// <summary>
/// An OpenAI-compatible chat completions server on a loopback port, for tests of the assistant: configure a provider
/// with <c>Kind=OpenAI</c> and <c>Endpoint=</c><see cref="Endpoint"/>. Every <c>POST .../chat/completions</c> is
/// recorded (<see cref="Requests"/>, awaitable with <see cref="RequestArrived"/>) and answered by the next reply of
/// <see cref="Enqueue"/>, or by <see cref="DefaultReply"/> when none is queued: a stream of
/// <c>data: {chat.completion.chunk}</c> events ending in <c>data: [DONE]</c> at a chosen pace, or an error status (429
/// with Retry-After), a hang, a connection cut half way, or invalid JSON (see <see cref="StandInReply"/>).
/// </summary>
public sealed class StandInOpenAi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<StandInReply> _replies = new();
    private readonly ConcurrentQueue<StandInRequest> _requests = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<StandInRequest>> _arrivals = new();
    private readonly CancellationTokenSource _stopping = new();
    private int _count;

    private StandInOpenAi(WebApplication app) => _app = app;

    /// <summary>The base address to configure as the provider's <c>Endpoint</c> (it ends in <c>/v1</c>, as OpenAI's does).</summary>
    public string Endpoint { get; private set; } = "";

    /// <summary>The answer to a request when no reply is queued.</summary>
    public StandInReply DefaultReply { get; set; } = StandInReply.Stream("Hello", " from", " the", " stand-in.");

    /// <summary>The requests received so far, in the order they arrived.</summary>
    public IReadOnlyList<StandInRequest> Requests => [.. _requests];

    public static async Task<StandInOpenAi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var standIn = new StandInOpenAi(app);
        app.Run(standIn.AnswerAsync);
        await app.StartAsync();
        standIn.Endpoint = $"http://127.0.0.1:{new Uri(app.Urls.First()).Port}/v1";
        return standIn;
    }

    /// <summary>Replies for the next requests, in order; each is used once.</summary>
    public void Enqueue(params StandInReply[] replies)
    {
        foreach (var reply in replies)
        {
            _replies.Enqueue(reply);
        }
    }

    /// <summary>Completes when the <paramref name="number"/>-th request (from 1) has arrived.</summary>
    public Task<StandInRequest> RequestArrived(int number) => Arrival(number).Task;

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private TaskCompletionSource<StandInRequest> Arrival(int number) =>
        _arrivals.GetOrAdd(number, _ => new TaskCompletionSource<StandInRequest>(TaskCreationOptions.RunContinuationsAsynchronously));

    private async Task AnswerAsync(HttpContext context)
    {
        if (!HttpMethods.IsPost(context.Request.Method) || !context.Request.Path.Value!.EndsWith("/chat/completions", StringComparison.Ordinal))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var number = Interlocked.Increment(ref _count);
        var request = new StandInRequest(number, context.Request.Path.Value, context.Request.Headers.Authorization.ToString(), body, DateTimeOffset.UtcNow);
        _requests.Enqueue(request);
        var reply = _replies.TryDequeue(out var queued) ? queued : DefaultReply;
        Arrival(number).TrySetResult(request);

        using var aborted = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        try
        {
            await reply.WriteAsync(context, request, aborted.Token);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client gave up (its timeout) or the stand-in stops: a hang ends here.
        }
    }
}

/// <summary>A request the stand-in received, with the parts of its body a test asserts on.</summary>
public sealed record StandInRequest(int Number, string Path, string Authorization, string Body, DateTimeOffset ReceivedAt)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public string? Model => Json.TryGetProperty("model", out var model) ? model.GetString() : null;

    public bool Stream => Json.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True;

    /// <summary>The <c>messages</c> sent: role, name (absent: null) and text (parts of a content array joined).</summary>
    public IReadOnlyList<StandInMessage> Messages => [.. Json.GetProperty("messages").EnumerateArray().Select(StandInMessage.From)];
}

/// <summary>One entry of a request's <c>messages</c>.</summary>
public sealed record StandInMessage(string Role, string? Name, string Content)
{
    internal static StandInMessage From(JsonElement message)
    {
        var content = message.GetProperty("content");
        var text = content.ValueKind == JsonValueKind.String
            ? content.GetString()!
            : string.Concat(content.EnumerateArray().Select(p => p.TryGetProperty("text", out var t) ? t.GetString() : ""));
        var name = message.TryGetProperty("name", out var n) ? n.GetString() : null;
        return new StandInMessage(message.GetProperty("role").GetString()!, name, text);
    }
}

/// <summary>
/// How the stand-in answers one request. <see cref="Stream"/>: the deltas as chunk events, <see cref="DeltaInterval"/>
/// apart, then <c>[DONE]</c>; and, on a stream, <see cref="HangAfter"/>, <see cref="CutAfter"/> (the connection is
/// aborted) or <see cref="InvalidJsonAfter"/> after that many deltas; <see cref="BeforeDelta"/> lets a test hold each
/// delta until it says so. <see cref="Error"/>, <see cref="TooManyRequests"/> and <see cref="Hanging"/> answer no stream.
/// A cut resets the connection, and a reset loses what the reader had not read yet: to assert on the deltas before a
/// cut, hold the cut with <see cref="BeforeDelta"/> until the reader has them.
/// </summary>
public sealed record StandInReply
{
    public IReadOnlyList<string> Deltas { get; init; } = [];

    public int Status { get; init; } = StatusCodes.Status200OK;

    public TimeSpan? RetryAfter { get; init; }

    public TimeSpan DeltaInterval { get; init; }

    public int? HangAfter { get; init; }

    public int? CutAfter { get; init; }

    public int? InvalidJsonAfter { get; init; }

    /// <summary>Awaited before delta i (from 0) is written, with the request's abort token.</summary>
    public Func<int, CancellationToken, Task>? BeforeDelta { get; init; }

    public static StandInReply Stream(params string[] deltas) => new() { Deltas = deltas };

    public static StandInReply Error(int status) => new() { Status = status };

    public static StandInReply TooManyRequests(TimeSpan retryAfter) => new() { Status = StatusCodes.Status429TooManyRequests, RetryAfter = retryAfter };

    /// <summary>Accepts the request and never answers, until the client gives up.</summary>
    public static StandInReply Hanging() => new() { HangAfter = -1 };

    internal async Task WriteAsync(HttpContext context, StandInRequest request, CancellationToken cancellationToken)
    {
        if (HangAfter == -1)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        if (Status != StatusCodes.Status200OK)
        {
            context.Response.StatusCode = Status;
            if (RetryAfter is { } after)
            {
                context.Response.Headers.RetryAfter = ((int)after.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            }

            await context.Response.WriteAsJsonAsync(new { error = new { message = $"stand-in answers {Status}", type = "server_error" } }, cancellationToken);
            return;
        }

        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        await context.Response.StartAsync(cancellationToken);
        var model = request.Model ?? "stand-in";
        for (var i = 0; i < Deltas.Count; i++)
        {
            if (BeforeDelta is not null)
            {
                await BeforeDelta(i, cancellationToken);
            }

            if (i == HangAfter)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            if (i == CutAfter)
            {
                context.Abort();
                return;
            }

            if (i == InvalidJsonAfter)
            {
                await WriteEventAsync(context, "{\"id\":\"chatcmpl-standin\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"delta\":{\"content\":", cancellationToken);
                return;
            }

            await WriteEventAsync(context, Chunk(model, new { role = "assistant", content = Deltas[i] }, null), cancellationToken);
            if (DeltaInterval > TimeSpan.Zero && i + 1 < Deltas.Count)
            {
                await Task.Delay(DeltaInterval, cancellationToken);
            }
        }

        await WriteEventAsync(context, Chunk(model, new { }, "stop"), cancellationToken);
        await WriteEventAsync(context, "[DONE]", cancellationToken);
    }

    private static string Chunk(string model, object delta, string? finishReason) => JsonSerializer.Serialize(new
    {
        id = "chatcmpl-standin",
        @object = "chat.completion.chunk",
        created = 1_700_000_000,
        model,
        choices = new[] { new { index = 0, delta, finish_reason = finishReason } },
    });

    private static async Task WriteEventAsync(HttpContext context, string data, CancellationToken cancellationToken)
    {
        await context.Response.WriteAsync($"data: {data}\n\n", cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);
    }
}
