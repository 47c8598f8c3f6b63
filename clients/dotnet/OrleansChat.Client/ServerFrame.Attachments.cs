using System.Text.Json;

namespace OrleansChat.Client;

/// <summary>The attachment objects of PROTOCOL.md 7 that a text's message frame, sync result or history item carries.</summary>
public readonly ref partial struct ServerFrame
{
    /// <summary>A text's attachments in the order it named them (empty when the frame has none).</summary>
    public IReadOnlyList<MessageAttachment> GetAttachments()
    {
        if (_fields.Attachments.Length < 0)
        {
            return [];
        }

        var reader = new Utf8JsonReader(Utf8.Slice(_fields.Attachments.Start, _fields.Attachments.Length));
        reader.Read();
        var attachments = new List<MessageAttachment>();
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            attachments.Add(ReadAttachment(ref reader));
        }

        return attachments;
    }

    private static MessageAttachment ReadAttachment(ref Utf8JsonReader reader)
    {
        string id = "", name = "", contentType = "";
        long size = 0;
        int? width = null, height = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = reader.ValueTextEquals("attachmentId"u8) ? 1
                : reader.ValueTextEquals("name"u8) ? 2
                : reader.ValueTextEquals("contentType"u8) ? 3
                : reader.ValueTextEquals("size"u8) ? 4
                : reader.ValueTextEquals("width"u8) ? 5
                : reader.ValueTextEquals("height"u8) ? 6
                : 0;
            reader.Read();
            switch (field)
            {
                case 1 when reader.TokenType == JsonTokenType.String: id = reader.GetString() ?? ""; break;
                case 2 when reader.TokenType == JsonTokenType.String: name = reader.GetString() ?? ""; break;
                case 3 when reader.TokenType == JsonTokenType.String: contentType = reader.GetString() ?? ""; break;
                case 4 when reader.TokenType == JsonTokenType.Number: size = reader.GetInt64(); break;
                case 5 when reader.TokenType == JsonTokenType.Number: width = reader.GetInt32(); break;
                case 6 when reader.TokenType == JsonTokenType.Number: height = reader.GetInt32(); break;
                default: reader.Skip(); break;
            }
        }

        return new MessageAttachment(id, name, contentType, size, width, height);
    }
}
