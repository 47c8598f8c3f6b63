using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace OrleansChat.Client;

/// <summary>
/// One server frame as it was read, valid only while the handler it was given to runs: its bytes live in the
/// connection's receive buffer, which the next frame reuses. The frame is scanned once; the top-level fields most
/// frames carry are located without being decoded, and a property decodes its string only when it is read (each
/// read allocates a new string), so a reader pays only for the fields it looks at.
/// </summary>
public readonly ref partial struct ServerFrame
{
    private readonly Fields _fields;

    private ServerFrame(ReadOnlySpan<byte> utf8, FrameType type, long seq, Fields fields)
    {
        Utf8 = utf8;
        Type = type;
        Seq = seq;
        _fields = fields;
    }

    /// <summary>The frame's UTF-8 JSON text.</summary>
    public ReadOnlySpan<byte> Utf8 { get; }

    public FrameType Type { get; }

    /// <summary>The <c>seq</c> field, 0 when absent.</summary>
    public long Seq { get; }

    /// <summary>The <c>type</c> as sent: a constant for a known type, decoded for any other.</summary>
    public string TypeName => Type == FrameType.Other ? Decode(_fields.Type) ?? "" : Names[(int)Type];

    public string? Ref => Decode(_fields.Ref);

    public string? ChatId => Decode(_fields.ChatId);

    public string? ClientMsgId => Decode(_fields.ClientMsgId);

    public string? MessageId => Decode(_fields.MessageId);

    public string? SenderId => Decode(_fields.SenderId);

    public string? Content => Decode(_fields.Content);

    public string? SentAt => Decode(_fields.SentAt);

    public string? UserId => Decode(_fields.UserId);

    /// <summary>An <c>error</c>'s code (PROTOCOL.md 3.4).</summary>
    public string? Code => Decode(_fields.Code);

    /// <summary>An <c>error</c>'s text.</summary>
    public string? Message => Decode(_fields.Message);

    internal bool HasChatId => _fields.ChatId.Length >= 0;

    /// <summary>Whether the frame carries a <c>ref</c> equal to <paramref name="number"/> written in decimal (the refs this library sends).</summary>
    internal bool TryGetNumericRef(out long number)
    {
        number = 0;
        var field = _fields.Ref;
        return field.Length > 0 && !field.Escaped
            && Utf8Parser.TryParse(Utf8.Slice(field.Start, field.Length), out number, out var consumed) && consumed == field.Length;
    }

    /// <summary>Any other top-level string field, found by scanning the frame again.</summary>
    public string? GetString(ReadOnlySpan<byte> name)
    {
        var reader = new Utf8JsonReader(Utf8);
        return Find(ref reader, name) && reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
    }

    /// <summary>Any other top-level integer field, found by scanning the frame again.</summary>
    public long? GetInt64(ReadOnlySpan<byte> name)
    {
        var reader = new Utf8JsonReader(Utf8);
        return Find(ref reader, name) && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value) ? value : null;
    }

    /// <summary>A copy of the whole frame as a JSON element that outlives the handler.</summary>
    public JsonElement ToJsonElement()
    {
        using var document = JsonDocument.Parse(Utf8.ToArray());
        return document.RootElement.Clone();
    }

    public override string ToString() => Encoding.UTF8.GetString(Utf8);

    /// <summary>Scans a frame: one pass, no allocation. Throws <see cref="JsonException"/> when it is not a JSON object.</summary>
    public static ServerFrame Parse(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("a server frame is a JSON object");
        }

        var fields = new Fields();
        var type = FrameType.Other;
        long seq = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueSpan;
            reader.Read();
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    reader.Skip();
                    break;
                case JsonTokenType.StartArray:
                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    fields.SetArray(name, new Field(start, (int)reader.BytesConsumed - start, false));
                    break;
                case JsonTokenType.Number when name.SequenceEqual("seq"u8):
                    seq = reader.GetInt64();
                    break;
                case JsonTokenType.Number:
                    if (reader.TryGetInt64(out var number))
                    {
                        fields.SetNumber(name, number);
                    }

                    break;
                case JsonTokenType.True:
                    fields.SetTrue(name);
                    break;
                case JsonTokenType.String:
                    var field = new Field((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length, reader.ValueIsEscaped);
                    if (name.SequenceEqual("type"u8))
                    {
                        fields.Type = field;
                        type = TypeOf(ref reader);
                    }
                    else
                    {
                        fields.Set(name, field);
                    }

                    break;
            }
        }

        return new ServerFrame(utf8, type, seq, fields);
    }

    private static FrameType TypeOf(ref Utf8JsonReader reader)
    {
        for (var i = 1; i < Utf8Names.Length; i++)
        {
            if (reader.ValueTextEquals(Utf8Names[i]))
            {
                return (FrameType)i;
            }
        }

        return FrameType.Other;
    }

    private static bool Find(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var matches = reader.ValueTextEquals(name);
            reader.Read();
            if (matches)
            {
                return true;
            }

            reader.Skip();
        }

        return false;
    }

    private string? Decode(Field field)
    {
        if (field.Length < 0)
        {
            return null;
        }

        if (!field.Escaped)
        {
            return Encoding.UTF8.GetString(Utf8.Slice(field.Start, field.Length));
        }

        // The value with its quotes is a JSON document of its own; the reader unescapes it.
        var reader = new Utf8JsonReader(Utf8.Slice(field.Start - 1, field.Length + 2));
        reader.Read();
        return reader.GetString();
    }

    private static readonly string[] Names =
        ["", "welcome", "ack", "synced", "message", "typing", "receipt", "chunk", "presence", "chat", "error", "pong"];

    private static readonly byte[][] Utf8Names = [.. Names.Select(Encoding.UTF8.GetBytes)];
}
