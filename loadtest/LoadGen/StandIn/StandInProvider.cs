using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OrleansChat.LoadGen.StandIn;

/// <summary>How the stand-in streams: chunks per reply and their pace.</summary>
public sealed record StandInOptions
{
    /// <summary>Chunks per reply.</summary>
    public int Chunks { get; init; } = 50;

    /// <summary>Chunks per second per request (issue 14's speed bar: 50).</summary>
    public double ChunksPerSecond { get; init; } = 50;

    public static StandInOptions Parse(IReadOnlyList<string> args, out string[] rest)
    {
        var options = new StandInOptions();
        var others = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--chunks" when i + 1 < args.Count:
                    options = options with { Chunks = int.Parse(args[++i], CultureInfo.InvariantCulture) };
                    break;
                case "--chunks-per-second" when i + 1 < args.Count:
                    options = options with { ChunksPerSecond = double.Parse(args[++i], CultureInfo.InvariantCulture) };
                    break;
                default:
                    others.Add(args[i]);
                    break;
            }
        }

        rest = [.. others];
        return options.Chunks > 0 && options.ChunksPerSecond > 0
            ? options
            : throw new ArgumentException("--chunks and --chunks-per-second must be positive");
    }
}

/// <summary>
/// A stand-in for an OpenAI-compatible provider (<c>POST {Endpoint}/chat/completions</c>), for issue 14's assistant
/// benchmark: every request, whatever it asks, gets <see cref="StandInOptions.Chunks"/> deltas at
/// <see cref="StandInOptions.ChunksPerSecond"/>, the first at once, each delta <c>t=&lt;unix ms&gt;;</c> stamped as it is
/// written, so a receiver on the same machine measures stand-in to socket. <c>stream: false</c> gets the whole reply in one
/// answer. Started as <c>LoadGen stand-in --urls http://127.0.0.1:5191 [--chunks 50] [--chunks-per-second 50]</c>.
/// </summary>
public static class StandInProvider
{
    private static long s_requests;

    public static WebApplication Build(string[] args, StandInOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        app.MapPost("/v1/chat/completions", (HttpContext context) => AnswerAsync(context, options));
        return app;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var options = StandInOptions.Parse(args, out var rest);
        await Build(rest, options).RunAsync();
        return 0;
    }

    private static async Task AnswerAsync(HttpContext context, StandInOptions options)
    {
        using var request = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        var root = request.RootElement;
        var model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "stand-in";
        var stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
        var usage = root.TryGetProperty("stream_options", out var so) && so.ValueKind == JsonValueKind.Object
            && so.TryGetProperty("include_usage", out var iu) && iu.ValueKind == JsonValueKind.True;
        var id = "chatcmpl-standin-" + Interlocked.Increment(ref s_requests).ToString(CultureInfo.InvariantCulture);
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (!stream)
        {
            var content = new StringBuilder();
            for (var i = 0; i < options.Chunks; i++)
            {
                content.Append(StandInChunks.Stamp(DateTimeOffset.UtcNow));
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(StandInChunks.Completion(id, created, model, content.ToString(), options.Chunks), context.RequestAborted);
            return;
        }

        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        var start = Stopwatch.GetTimestamp();
        var ticksPerChunk = Stopwatch.Frequency / options.ChunksPerSecond;
        for (var i = 0; i < options.Chunks; i++)
        {
            // Paced from the request's start, so a late wake-up does not push every later chunk back.
            var wait = start + (long)(i * ticksPerChunk) - Stopwatch.GetTimestamp();
            if (wait > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), context.RequestAborted);
            }

            await WriteEventAsync(context, StandInChunks.Delta(id, created, model, StandInChunks.Stamp(DateTimeOffset.UtcNow), first: i == 0));
        }

        await WriteEventAsync(context, StandInChunks.Finish(id, created, model));
        if (usage)
        {
            await WriteEventAsync(context, StandInChunks.Usage(id, created, model, options.Chunks));
        }

        await WriteEventAsync(context, StandInChunks.Done);
    }

    private static async Task WriteEventAsync(HttpContext context, string data)
    {
        await context.Response.WriteAsync("data: " + data + "\n\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }
}
