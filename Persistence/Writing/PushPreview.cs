namespace OrleansChat.Persistence.Writing;

/// <summary>The part of a message's content a push notification shows.</summary>
internal static class PushPreview
{
    public const int MaxLength = 100;

    /// <summary>The content cut to at most <see cref="MaxLength"/> UTF-16 characters, never inside a surrogate pair.</summary>
    public static string From(string content)
    {
        if (content.Length <= MaxLength)
        {
            return content;
        }

        var length = char.IsHighSurrogate(content[MaxLength - 1]) ? MaxLength - 1 : MaxLength;
        return content[..length];
    }
}
