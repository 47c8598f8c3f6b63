namespace OrleansChat.Persistence.Reading;

/// <summary>The parts of a row's current state that both stores keep in their own encodings and read back alike.</summary>
internal static class MessageState
{
    /// <summary>
    /// Reactions from (emoji, user) entries sorted by when the emoji appeared, then by when the user reacted:
    /// one <see cref="MessageReaction"/> per run of the same emoji.
    /// </summary>
    public static IReadOnlyList<MessageReaction> Reactions(IReadOnlyList<(string Content, string UserId)> entries)
    {
        if (entries.Count == 0)
        {
            return [];
        }

        var reactions = new List<MessageReaction>();
        var start = 0;
        for (var i = 1; i <= entries.Count; i++)
        {
            if (i == entries.Count || entries[i].Content != entries[start].Content)
            {
                var users = new string[i - start];
                for (var j = start; j < i; j++)
                {
                    users[j - start] = entries[j].UserId;
                }

                reactions.Add(new MessageReaction(entries[start].Content, users));
                start = i;
            }
        }

        return reactions;
    }
}
