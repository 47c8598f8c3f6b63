namespace OrleansChat;

/// <summary>What a send is (PROTOCOL.md 6.1): a message, or a change to an earlier one. Same numbers as the store's kinds.</summary>
[GenerateSerializer]
[Alias("chat.SendKind")]
public enum SendKind
{
    Text = 0,
    Edit = 1,
    Delete = 2,
    Reaction = 3,
}

/// <summary>One emoji on a text and the users who hold it, in the order they reacted with it.</summary>
[GenerateSerializer, Immutable]
[Alias("chat.ChatReaction")]
public sealed record ChatReaction(
    [property: Id(0)] string Content,
    [property: Id(1)] IReadOnlyList<string> UserIds);

/// <summary>
/// An uploaded file a text carries (PROTOCOL.md 7), as members see it: <see cref="Width"/> and <see cref="Height"/>
/// only for images. A text's attachments are listed in the order they were uploaded.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("chat.ChatAttachment")]
public sealed record ChatAttachment(
    [property: Id(0)] Guid AttachmentId,
    [property: Id(1)] string Name,
    [property: Id(2)] string ContentType,
    [property: Id(3)] long Size,
    [property: Id(4)] int? Width,
    [property: Id(5)] int? Height);

/// <summary>How kinds are written on the wire.</summary>
public static class SendKinds
{
    public static string ToWire(SendKind kind) => kind switch
    {
        SendKind.Edit => "edit",
        SendKind.Delete => "delete",
        SendKind.Reaction => "reaction",
        _ => "text",
    };

    public static SendKind? Parse(string? text) => text switch
    {
        null or "text" => SendKind.Text,
        "edit" => SendKind.Edit,
        "delete" => SendKind.Delete,
        "reaction" => SendKind.Reaction,
        _ => null,
    };
}

/// <summary>The <c>@userId</c> tokens of a content that name members (PROTOCOL.md 6.1), each once, in order of appearance.</summary>
public static class Mentions
{
    public static IReadOnlyList<string> Find(string content, Func<string, bool> isMember)
    {
        // Cheap exit keeps the plain-text path free of allocations when nobody is mentioned.
        if (!content.Contains('@'))
        {
            return [];
        }

        List<string>? found = null;
        var i = 0;
        while (i < content.Length)
        {
            var start = i;
            while (i < content.Length && !char.IsWhiteSpace(content[i]))
            {
                i++;
            }

            if (i - start > 1 && content[start] == '@')
            {
                var id = content.Substring(start + 1, i - start - 1);
                if (isMember(id) && (found is null || !found.Contains(id)))
                {
                    (found ??= []).Add(id);
                }
            }

            while (i < content.Length && char.IsWhiteSpace(content[i]))
            {
                i++;
            }
        }

        return found is null ? [] : found;
    }
}
