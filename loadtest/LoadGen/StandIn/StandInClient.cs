using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace OrleansChat.LoadGen.StandIn;

/// <summary>One streamed reply read straight from an OpenAI-compatible endpoint: its deltas and when the first came.</summary>
public sealed record StreamedReply(IReadOnlyList<string> Deltas, TimeSpan TimeToFirstDelta, bool Done, string? FinishReason);

/// <summary>
/// Calls an OpenAI-compatible endpoint directly, as the server's provider would, and reads the event stream: the
/// assistant benchmark's reference for the time to the first chunk, and the check of the stand-in's own format.
/// </summary>
public static class StandInClient
{
    /// <summary>The request body the benchmark sends: one user message, streamed.</summary>
    public static string RequestBody(string model, string content) => JsonSerializer.Serialize(new
    {
        model,
        stream = true,
        messages = new[] { new { role = "user", content } },
    });

    /// <summary>Posts to <c>{endpoint}/chat/completions</c> and reads every event to <c>[DONE]</c> or the end of the stream.</summary>
    public static async Task<StreamedReply> StreamAsync(HttpClient http, Uri endpoint, string model, string content, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(endpoint.ToString().TrimEnd('/') + "/chat/completions"))
        {
            Content = new StringContent(RequestBody(model, content), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "x");
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken), Encoding.UTF8);
        var deltas = new List<string>();
        var first = TimeSpan.Zero;
        string? finish = null;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal))
            {
                continue;
            }

            var data = line[6..];
            if (data == StandInChunks.Done)
            {
                return new(deltas, first, true, finish);
            }

            using var chunk = JsonDocument.Parse(data);
            foreach (var choice in chunk.RootElement.GetProperty("choices").EnumerateArray())
            {
                if (choice.TryGetProperty("delta", out var delta) && delta.TryGetProperty("content", out var text) && text.GetString() is { Length: > 0 } s)
                {
                    if (deltas.Count == 0)
                    {
                        first = Stopwatch.GetElapsedTime(start);
                    }

                    deltas.Add(s);
                }

                if (choice.TryGetProperty("finish_reason", out var reason) && reason.ValueKind == JsonValueKind.String)
                {
                    finish = reason.GetString();
                }
            }
        }

        return new(deltas, first, false, finish);
    }
}
