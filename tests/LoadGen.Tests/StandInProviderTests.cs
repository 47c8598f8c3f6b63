using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using OrleansChat.LoadGen.StandIn;

namespace OrleansChat.LoadGenTests;

/// <summary>The assistant benchmark's OpenAI-compatible stand-in, on real Kestrel on loopback, read as a provider client reads it.</summary>
public sealed partial class StandInProviderTests
{
    [Fact]
    public async Task The_stand_in_streams_each_delta_as_an_openai_chunk_event_and_ends_with_done()
    {
        await using var standIn = await StartAsync(new StandInOptions { Chunks = 3, ChunksPerSecond = 1000 });
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(standIn.Endpoint, "v1/chat/completions"))
        {
            Content = new StringContent(StandInClient.RequestBody("stand-in", "hello"), Encoding.UTF8, "application/json"),
        };

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, events.Length);
        Assert.All(events, e => Assert.StartsWith("data: ", e, StringComparison.Ordinal));
        Assert.Equal("data: [DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e[6..]).RootElement).ToList();
        Assert.All(chunks, c =>
        {
            Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString());
            Assert.Equal("stand-in", c.GetProperty("model").GetString());
            Assert.StartsWith("chatcmpl-standin-", c.GetProperty("id").GetString(), StringComparison.Ordinal);
        });
        var choices = chunks.Select(c => Assert.Single(c.GetProperty("choices").EnumerateArray())).ToList();
        Assert.Equal("assistant", choices[0].GetProperty("delta").GetProperty("role").GetString());
        Assert.All(choices[..3], c => Assert.Matches(Stamp(), c.GetProperty("delta").GetProperty("content").GetString()!));
        Assert.All(choices[..3], c => Assert.Equal(JsonValueKind.Null, c.GetProperty("finish_reason").ValueKind));
        Assert.Equal("stop", choices[3].GetProperty("finish_reason").GetString());
        Assert.False(choices[3].GetProperty("delta").TryGetProperty("content", out _));
    }

    [Fact]
    public async Task The_stand_in_streams_fifty_stamped_deltas_no_faster_than_fifty_a_second_by_default()
    {
        await using var standIn = await StartAsync(new StandInOptions());
        using var http = new HttpClient();
        var sentAt = StandInChunks.UnixMilliseconds(DateTimeOffset.UtcNow);

        var reply = await StandInClient.StreamAsync(http, new Uri(standIn.Endpoint, "v1"), "stand-in", "hello", TestContext.Current.CancellationToken);

        Assert.True(reply.Done);
        Assert.Equal("stop", reply.FinishReason);
        Assert.Equal(50, reply.Deltas.Count);
        var stamps = new List<double>();
        Assert.All(reply.Deltas, d => Assert.Equal(1, StandInChunks.ReadStamps(d, stamps.Add)));
        Assert.Equal(stamps.Order(), stamps);
        // The 50th delta is due 49 intervals of 20 ms after the request arrived, which was after it was sent.
        Assert.True(stamps[^1] - sentAt >= 980, $"the last delta was stamped {stamps[^1] - sentAt:0.0} ms after the request");
    }

    [Fact]
    public async Task A_request_that_asks_for_usage_gets_a_usage_event_without_choices_before_done()
    {
        await using var standIn = await StartAsync(new StandInOptions { Chunks = 2, ChunksPerSecond = 1000 });
        using var http = new HttpClient();
        var body = """{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}""";

        using var response = await http.PostAsync(new Uri(standIn.Endpoint, "v1/chat/completions"), new StringContent(body, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        var events = (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("data: [DONE]", events[^1]);
        var usage = JsonDocument.Parse(events[^2][6..]).RootElement;
        Assert.Empty(usage.GetProperty("choices").EnumerateArray());
        Assert.Equal(2, usage.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task A_request_without_stream_gets_the_whole_reply_as_one_completion()
    {
        await using var standIn = await StartAsync(new StandInOptions { Chunks = 4, ChunksPerSecond = 1000 });
        using var http = new HttpClient();
        var body = """{"model":"m","messages":[{"role":"user","content":"hi"}]}""";

        using var response = await http.PostAsync(new Uri(standIn.Endpoint, "v1/chat/completions"), new StringContent(body, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        var completion = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("chat.completion", completion.GetProperty("object").GetString());
        var content = Assert.Single(completion.GetProperty("choices").EnumerateArray()).GetProperty("message").GetProperty("content").GetString()!;
        Assert.Equal(4, StandInChunks.ReadStamps(content, _ => { }));
    }

    [Fact]
    public void Every_stamp_of_a_delta_that_joins_several_is_read_in_order()
    {
        var stamps = new List<double>();

        var count = StandInChunks.ReadStamps("t=1764466580123.456;t=1764466580143.5;t=17644665801", stamps.Add);

        Assert.Equal(2, count);
        Assert.Equal([1764466580123.456, 1764466580143.5], stamps);
    }

    [GeneratedRegex(@"^t=\d{13}\.\d{3};$")]
    private static partial Regex Stamp();

    private static async Task<RunningStandIn> StartAsync(StandInOptions options)
    {
        var app = StandInProvider.Build(["--urls", "http://127.0.0.1:0"], options);
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Urls.Single();
        return new RunningStandIn(app, new Uri(address.TrimEnd('/') + "/"));
    }

    private sealed record RunningStandIn(WebApplication App, Uri Endpoint) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await App.DisposeAsync();
    }
}
