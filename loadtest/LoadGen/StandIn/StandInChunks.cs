using System.Globalization;
using System.Text.Json;

namespace OrleansChat.LoadGen.StandIn;

/// <summary>
/// The stand-in's wire format (OpenAI's <c>chat.completion.chunk</c> events) and the send-time stamps its deltas carry:
/// <c>t=&lt;unix milliseconds with fraction&gt;;</c>, which a receiver reads back from wherever the delta lands.
/// </summary>
public static class StandInChunks
{
    public const string Done = "[DONE]";

    /// <summary>The stamp of <paramref name="now"/>, e.g. <c>t=1764466580123.456;</c> (20 characters).</summary>
    public static string Stamp(DateTimeOffset now) =>
        string.Create(CultureInfo.InvariantCulture, $"t={UnixMilliseconds(now):0.000};");

    public static double UnixMilliseconds(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (double)TimeSpan.TicksPerMillisecond;

    /// <summary>Calls <paramref name="onStamp"/> with each stamp's unix milliseconds in <paramref name="text"/>, in order; returns how many.</summary>
    public static int ReadStamps(ReadOnlySpan<char> text, Action<double> onStamp)
    {
        var count = 0;
        while (text.IndexOf("t=", StringComparison.Ordinal) is var at and >= 0)
        {
            text = text[(at + 2)..];
            var end = text.IndexOf(';');
            if (end < 0)
            {
                break;
            }

            if (double.TryParse(text[..end], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var ms))
            {
                onStamp(ms);
                count++;
            }

            text = text[(end + 1)..];
        }

        return count;
    }

    public static string Delta(string id, long created, string model, string content, bool first) =>
        Chunk(id, created, model, w =>
        {
            w.WriteStartObject();
            w.WriteNumber("index", 0);
            w.WriteStartObject("delta");
            if (first)
            {
                w.WriteString("role", "assistant");
            }

            w.WriteString("content", content);
            w.WriteEndObject();
            w.WriteNull("finish_reason");
            w.WriteEndObject();
        });

    public static string Finish(string id, long created, string model) =>
        Chunk(id, created, model, w =>
        {
            w.WriteStartObject();
            w.WriteNumber("index", 0);
            w.WriteStartObject("delta");
            w.WriteEndObject();
            w.WriteString("finish_reason", "stop");
            w.WriteEndObject();
        });

    /// <summary>The last event when the request asked <c>stream_options.include_usage</c>: no choices, the token counts.</summary>
    public static string Usage(string id, long created, string model, int chunks) =>
        Write(w =>
        {
            Header(w, id, created, model, "chat.completion.chunk");
            w.WriteStartArray("choices");
            w.WriteEndArray();
            WriteUsage(w, chunks);
        });

    public static string Completion(string id, long created, string model, string content, int chunks) =>
        Write(w =>
        {
            Header(w, id, created, model, "chat.completion");
            w.WriteStartArray("choices");
            w.WriteStartObject();
            w.WriteNumber("index", 0);
            w.WriteStartObject("message");
            w.WriteString("role", "assistant");
            w.WriteString("content", content);
            w.WriteEndObject();
            w.WriteString("finish_reason", "stop");
            w.WriteEndObject();
            w.WriteEndArray();
            WriteUsage(w, chunks);
        });

    private static string Chunk(string id, long created, string model, Action<Utf8JsonWriter> choice) =>
        Write(w =>
        {
            Header(w, id, created, model, "chat.completion.chunk");
            w.WriteStartArray("choices");
            choice(w);
            w.WriteEndArray();
        });

    private static void Header(Utf8JsonWriter w, string id, long created, string model, string kind)
    {
        w.WriteString("id", id);
        w.WriteString("object", kind);
        w.WriteNumber("created", created);
        w.WriteString("model", model);
    }

    private static void WriteUsage(Utf8JsonWriter w, int chunks)
    {
        w.WriteStartObject("usage");
        w.WriteNumber("prompt_tokens", 1);
        w.WriteNumber("completion_tokens", chunks);
        w.WriteNumber("total_tokens", chunks + 1);
        w.WriteEndObject();
    }

    private static string Write(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
