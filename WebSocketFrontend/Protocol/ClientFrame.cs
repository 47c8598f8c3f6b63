using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace OrleansChat.Gateway.Protocol;

/// <summary>
/// A parsed client frame: its <c>type</c>, its <c>ref</c>, and typed access to its fields. Every shape rule
/// that fails throws <see cref="ProtocolException"/> carrying the frame's ref where it had a valid one.
/// </summary>
public sealed class ClientFrame : IDisposable
{
    private readonly JsonDocument _document;

    private ClientFrame(JsonDocument document, string? type, string? reference)
    {
        _document = document;
        Type = type;
        Ref = reference;
    }

    public string? Type { get; }

    public string? Ref { get; }

    private JsonElement Root => _document.RootElement;

    public static ClientFrame Parse(ReadOnlyMemory<byte> utf8)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException)
        {
            throw Bad("The frame is not valid JSON.", null);
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw Bad("A frame is a JSON object.", null);
        }

        // Checked once, before any property is looked up, so that no field read later can meet a string that is not text.
        if (!JsonText.IsUnicodeText(utf8.Span))
        {
            document.Dispose();
            var validRef = JsonText.RootString(utf8.Span, "ref"u8);
            throw Bad(JsonText.InvalidTextMessage, IsValidRef(validRef) ? validRef : null);
        }

        string? reference = null;
        if (document.RootElement.TryGetProperty("ref", out var r) && r.ValueKind != JsonValueKind.Null)
        {
            reference = r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            if (!IsValidRef(reference))
            {
                document.Dispose();
                throw Bad($"ref must be a string of at most {ProtocolLimits.MaxRefLength} characters.", null);
            }
        }

        var type = document.RootElement.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        return new ClientFrame(document, type, reference);
    }

    /// <summary>The ref of a frame that is answered without being handled; null when it has no valid one.</summary>
    public static string? RefOf(ReadOnlyMemory<byte> utf8)
    {
        try
        {
            using var frame = Parse(utf8);
            return frame.Ref;
        }
        catch (ProtocolException bad)
        {
            return bad.Ref;
        }
    }

    public string RequiredString(string name)
    {
        if (!Root.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String)
        {
            throw Bad($"'{name}' is required and must be a string.", Ref);
        }

        return value.GetString()!;
    }

    public string? OptionalString(string name)
    {
        if (!Root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw Bad($"'{name}' must be a string.", Ref);
    }

    /// <summary>An integer of either sign: a seq that names no row is the room's to judge, not a shape error.</summary>
    public long? OptionalInteger(string name)
    {
        if (!Root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var l) ? l : throw Bad($"'{name}' must be an integer.", Ref);
    }

    /// <summary>An array of strings; empty when absent or null.</summary>
    public IReadOnlyList<string> OptionalStrings(string name)
    {
        if (!Root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        return Validation.Strings(value) ?? throw Bad($"'{name}' must be an array of strings.", Ref);
    }

    public bool OptionalBool(string name)
    {
        if (!Root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return false;
        }

        return value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : throw Bad($"'{name}' must be true or false.", Ref);
    }

    public string ChatId(string name = "chatId") => ChatIdOf(Root, name, Ref);

    public long RequiredInt64(string name) => Int64Of(Root, name, Ref) ?? throw Bad($"'{name}' is required and must be an integer.", Ref);

    public int? OptionalInt32(string name)
    {
        if (!Root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var i)
            ? i
            : throw Bad($"'{name}' must be an integer.", Ref);
    }

    public JsonElement.ArrayEnumerator RequiredArray(string name)
    {
        if (!Root.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Array)
        {
            throw Bad($"'{name}' is required and must be an array.", Ref);
        }

        return value.EnumerateArray();
    }

    public int ArrayLength(string name) =>
        Root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array ? value.GetArrayLength() : 0;

    /// <summary>A chat id field of an object inside the frame.</summary>
    public string ChatIdIn(JsonElement element) => ChatIdOf(element, "chatId", Ref);

    public long Int64In(JsonElement element, string name) => Int64Of(element, name, Ref) ?? 0;

    public int? Int32In(JsonElement element, string name)
    {
        var value = Int64Of(element, name, Ref);
        return value is null ? null : (int)Math.Min(value.Value, int.MaxValue);
    }

    public void Dispose() => _document.Dispose();

    public ProtocolException BadRequest(string message) => Bad(message, Ref);

    private static string ChatIdOf(JsonElement element, string name, string? reference)
    {
        if (element.ValueKind != JsonValueKind.Object
            || !element.TryGetProperty(name, out var value)
            || value.ValueKind != JsonValueKind.String
            || !Identifiers.IsValidChatId(value.GetString()))
        {
            throw Bad($"'{name}' must be a chat id (1 to {Identifiers.MaxChatIdLength} of A-Z a-z 0-9 _ . - :).", reference);
        }

        return value.GetString()!;
    }

    private static long? Int64Of(JsonElement element, string name, string? reference)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var l) && l >= 0
            ? l
            : throw Bad($"'{name}' must be a non-negative integer.", reference);
    }

    private static bool IsValidRef([NotNullWhen(true)] string? reference) =>
        reference is not null && ProtocolLimits.IsWithinLength(reference, ProtocolLimits.MaxRefLength);

    private static ProtocolException Bad(string message, string? reference) =>
        new(ProtocolError.BadRequest(message), reference);
}
