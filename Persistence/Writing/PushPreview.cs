using System.Globalization;

namespace OrleansChat.Persistence.Writing;

/// <summary>The part of a message a push notification shows.</summary>
internal static class PushPreview
{
    public const int MaxLength = 100;

    /// <summary>The paper clip that names what a text without content carries.</summary>
    private const string Clip = "📎 ";

    /// <summary>
    /// The content cut to <see cref="MaxLength"/>; a text with no content but attachments names them instead (the one
    /// file's name, or how many files), so its notification is not blank.
    /// </summary>
    public static string From(StoredMessage message) =>
        message.Content.Length == 0 && message.Attachments.Count > 0
            ? Cut(message.Attachments.Count == 1
                ? Clip + message.Attachments[0].Name
                : string.Create(CultureInfo.InvariantCulture, $"{Clip}{message.Attachments.Count} files"))
            : Cut(message.Content);

    /// <summary>The text cut to at most <see cref="MaxLength"/> UTF-16 characters, never inside a surrogate pair.</summary>
    private static string Cut(string content)
    {
        if (content.Length <= MaxLength)
        {
            return content;
        }

        var length = char.IsHighSurrogate(content[MaxLength - 1]) ? MaxLength - 1 : MaxLength;
        return content[..length];
    }
}
