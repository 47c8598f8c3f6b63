using System.Text.Json;
using System.Text.Unicode;

namespace OrleansChat.Gateway.Protocol;

/// <summary>
/// Whether client JSON holds only Unicode text. <see cref="JsonDocument"/> parses strings lazily: invalid UTF-8 bytes
/// inside a string, or an escaped lone surrogate (<c>"\ud800"</c>), pass the parser and make <c>GetString()</c>
/// throw <see cref="InvalidOperationException"/> later, wherever a field happens to be read. Checking every string
/// once, right after parsing, turns that into the client's <c>bad_request</c> before any field is read, for the
/// WebSocket and REST edges alike (PROTOCOL.md 3.4).
/// </summary>
internal static class JsonText
{
    public const string InvalidTextMessage =
        "A string holds invalid UTF-8 or a lone surrogate escape; strings must be Unicode text.";

    /// <summary>True when every string and property name of the (already parsed) JSON is well-formed Unicode.</summary>
    public static bool IsUnicodeText(ReadOnlySpan<byte> json)
    {
        // Most frames are plain ASCII without \u escapes, and such text cannot hold either fault: skip the second pass.
        if (!json.ContainsAnyExceptInRange((byte)0, (byte)0x7F) && json.IndexOf("\\u"u8) < 0)
        {
            return true;
        }

        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName))
                {
                    continue;
                }

                if (!reader.ValueIsEscaped)
                {
                    if (!Utf8.IsValid(reader.ValueSpan))
                    {
                        return false;
                    }

                    continue;
                }

                // Unescaping is where a lone surrogate shows; escapes are rare enough to pay for the string.
                _ = reader.GetString();
            }
        }
        catch (InvalidOperationException)
        {
            return false;
        }
        catch (JsonException)
        {
            return false;
        }

        return true;
    }

    /// <summary>
    /// The value of the root object's string property <paramref name="name"/> (written without escapes), when it is
    /// Unicode text; null otherwise. Never throws: it serves answers about JSON that is not text, where looking a property
    /// up through <see cref="JsonElement"/> throws as soon as it meets an escaped name that is not text.
    /// </summary>
    public static string? RootString(ReadOnlySpan<byte> json, ReadOnlySpan<byte> name)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1
                    || reader.ValueIsEscaped || !reader.ValueSpan.SequenceEqual(name))
                {
                    continue;
                }

                return reader.Read() && reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
        }
        catch (InvalidOperationException)
        {
            return null;
        }
        catch (JsonException)
        {
            return null;
        }

        return null;
    }
}
