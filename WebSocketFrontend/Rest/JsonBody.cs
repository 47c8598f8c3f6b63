using System.Text.Json;
using Microsoft.AspNetCore.Http;
using OrleansChat.Gateway.Protocol;

namespace OrleansChat.Gateway.Rest;

/// <summary>
/// A REST request's JSON object body, read within the size limit, with field checks that answer 400 on a bad shape.
/// The checks return what they read; the handlers take the same fields from the record the framework binds.
/// </summary>
internal sealed class JsonBody : IDisposable
{
    private readonly MemoryStream _bytes;
    private readonly JsonDocument _document;

    private JsonBody(MemoryStream bytes, JsonDocument document)
    {
        _bytes = bytes;
        _document = document;
    }

    public static async Task<JsonBody> ReadAsync(HttpRequest request, int maxBytes)
    {
        // PROTOCOL.md 4: a body that does not say it is JSON is refused rather than guessed at.
        if (!request.HasJsonContentType())
        {
            throw new ProtocolException(new ProtocolError("bad_request", StatusCodes.Status415UnsupportedMediaType, "The body must be sent as application/json."));
        }

        if (request.ContentLength > maxBytes)
        {
            throw TooLarge(maxBytes);
        }

        var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw TooLarge(maxBytes);
            }

            buffer.Write(chunk, 0, read);
        }

        try
        {
            var json = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
            var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                throw Bad("The body must be a JSON object.");
            }

            if (!JsonText.IsUnicodeText(json.Span))
            {
                document.Dispose();
                throw Bad(JsonText.InvalidTextMessage);
            }

            return new JsonBody(buffer, document);
        }
        catch (JsonException)
        {
            throw Bad("The body is not valid JSON.");
        }
    }

    /// <summary>The body as it was checked, for the framework's binding to read again.</summary>
    public Stream Replay()
    {
        var lastValues = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var properties = 0;
        foreach (var property in _document.RootElement.EnumerateObject())
        {
            lastValues[property.Name] = property.Value;
            properties++;
        }

        if (lastValues.Count == properties)
        {
            _bytes.Position = 0;
            return _bytes;
        }

        // A name given twice: the checks read its last value (JsonDocument's rule), but the serializer reads every
        // one and fails on an earlier one of the wrong kind. It gets each name once, with the value that was checked.
        var rewritten = new MemoryStream();
        using (var writer = new Utf8JsonWriter(rewritten))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in lastValues)
            {
                writer.WritePropertyName(name);
                value.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        rewritten.Position = 0;
        return rewritten;
    }

    public string RequiredString(string name) =>
        OptionalString(name) ?? throw Bad($"'{name}' is required and must be a string.");

    public string? OptionalString(string name)
    {
        if (!_document.RootElement.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw Bad($"'{name}' must be a string.");
    }

    public long? OptionalInteger(string name)
    {
        if (!_document.RootElement.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var l) ? l : throw Bad($"'{name}' must be an integer.");
    }

    public bool OptionalBool(string name)
    {
        if (!_document.RootElement.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return false;
        }

        return value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : throw Bad($"'{name}' must be true or false.");
    }

    public bool RequiredBool(string name) =>
        _document.RootElement.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : throw Bad($"'{name}' is required and must be true or false.");

    /// <summary>An ISO 8601 time (as System.Text.Json reads one, which the binding does too), or null when absent.</summary>
    public DateTimeOffset? OptionalTime(string name)
    {
        if (!_document.RootElement.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var time)
            ? time
            : throw Bad($"'{name}' must be an ISO 8601 time such as 2026-11-22T10:00:00.000Z.");
    }

    public JsonElement.ArrayEnumerator RequiredArray(string name) =>
        _document.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray()
            : throw Bad($"'{name}' is required and must be an array.");

    /// <summary>A non-negative integer field of <paramref name="element"/> (the body itself when null), or null when absent.</summary>
    public long? NonNegativeInteger(string name, JsonElement? element = null)
    {
        var from = element ?? _document.RootElement;
        if (from.ValueKind != JsonValueKind.Object || !from.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var l) && l >= 0 ? l : throw Bad($"'{name}' must be a non-negative integer.");
    }

    public string UserId(string name)
    {
        var value = RequiredString(name);
        return Identifiers.IsValidUserId(value) ? value : throw Bad($"'{name}' must be a user id (1 to 64 of A-Z a-z 0-9 _ . - @).");
    }

    /// <summary>An array of strings; empty when absent or null.</summary>
    public IReadOnlyList<string> OptionalStrings(string name)
    {
        if (!_document.RootElement.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        return Validation.Strings(value) ?? throw Bad($"'{name}' must be an array of strings.");
    }

    public List<string> UserIds(string name)
    {
        var ids = new List<string>();
        if (!_document.RootElement.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return ids;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Bad($"'{name}' must be an array of user ids.");
        }

        foreach (var item in value.EnumerateArray())
        {
            var id = item.ValueKind == JsonValueKind.String ? item.GetString() : null;
            ids.Add(Identifiers.IsValidUserId(id) ? id! : throw Bad($"'{name}' must be an array of user ids."));
        }

        return ids;
    }

    public void Dispose() => _document.Dispose();

    public static ProtocolException Bad(string message) => new(ProtocolError.BadRequest(message));

    private static ProtocolException TooLarge(int maxBytes) => new(ProtocolError.TooLarge($"The body is larger than {maxBytes} bytes."));
}
