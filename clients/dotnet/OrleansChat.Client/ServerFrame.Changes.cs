using System.Text.Json;

namespace OrleansChat.Client;

/// <summary>The fields of PROTOCOL.md 6.2 and 6.3 that message frames, sync results and history items carry.</summary>
public readonly ref partial struct ServerFrame
{
    /// <summary>
    /// A message's <c>kind</c> (PROTOCOL.md 6.2): <c>text</c>, <c>edit</c>, <c>delete</c> or <c>reaction</c> (the known
    /// ones without allocating), null when absent.
    /// </summary>
    public string? Kind
    {
        get
        {
            if (_fields.Kind is { Length: > 0, Escaped: false } kind)
            {
                var value = Utf8.Slice(kind.Start, kind.Length);
                foreach (var known in MessageKinds.All)
                {
                    if (value.SequenceEqual(known.Utf8))
                    {
                        return known.Name;
                    }
                }
            }

            return Decode(_fields.Kind);
        }
    }

    /// <summary>A change's <c>target</c>: the seq of the <c>text</c> it changes.</summary>
    public long? Target => _fields.Target;

    /// <summary>A text's <c>replyTo</c>: the seq of the text it answers.</summary>
    public long? ReplyTo => _fields.ReplyTo;

    /// <summary>Whether a <c>reaction</c> takes the sender's reaction away.</summary>
    public bool Remove => _fields.Remove;

    /// <summary>Whether a text of a sync or history answer has been deleted (PROTOCOL.md 6.3).</summary>
    public bool Deleted => _fields.Deleted;

    /// <summary>When a text of a sync or history answer was last edited.</summary>
    public string? EditedAt => Decode(_fields.EditedAt);

    /// <summary>The assistant job that wrote a reply (PROTOCOL.md 9); null on other messages.</summary>
    public string? JobId => Decode(_fields.JobId);

    /// <summary>Whether an assistant's reply was stopped by a member before it was complete (PROTOCOL.md 9).</summary>
    public bool Stopped => _fields.Stopped;

    /// <summary>The member ids a text or edit mentions (empty when the frame has none).</summary>
    public IReadOnlyList<string> GetMentions()
    {
        if (_fields.Mentions.Length < 0)
        {
            return [];
        }

        var reader = new Utf8JsonReader(Utf8.Slice(_fields.Mentions.Start, _fields.Mentions.Length));
        return ReadStrings(ref reader);
    }

    /// <summary>A text's reactions as of a sync or history answer, in the order each first appeared (empty when none).</summary>
    public IReadOnlyList<ChatReaction> GetReactions()
    {
        if (_fields.Reactions.Length < 0)
        {
            return [];
        }

        var reader = new Utf8JsonReader(Utf8.Slice(_fields.Reactions.Start, _fields.Reactions.Length));
        reader.Read();
        var reactions = new List<ChatReaction>();
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            string content = "";
            IReadOnlyList<string> userIds = [];
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isContent = reader.ValueTextEquals("content"u8);
                var isUsers = reader.ValueTextEquals("userIds"u8);
                reader.Read();
                if (isContent && reader.TokenType == JsonTokenType.String)
                {
                    content = reader.GetString() ?? "";
                }
                else if (isUsers && reader.TokenType == JsonTokenType.StartArray)
                {
                    userIds = ReadStrings(ref reader);
                }
                else
                {
                    reader.Skip();
                }
            }

            reactions.Add(new ChatReaction(content, userIds));
        }

        return reactions;
    }

    /// <summary>The strings of the array the reader is at (or about to read); other values are skipped.</summary>
    private static string[] ReadStrings(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Read();
        }

        var values = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                values.Add(reader.GetString() ?? "");
            }
            else
            {
                reader.Skip();
            }
        }

        return [.. values];
    }
}
