namespace OrleansChat.Persistence.Reading;

/// <summary>The argument checks of <see cref="IMessageStore.CountUnreadAsync"/> that every store makes alike.</summary>
internal static class ReadPositions
{
    public static void Check(string userId, IReadOnlyCollection<ReadPosition> chats)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentNullException.ThrowIfNull(chats);
        var seen = new HashSet<string>(chats.Count, StringComparer.Ordinal);
        foreach (var chat in chats)
        {
            ArgumentException.ThrowIfNullOrEmpty(chat.ChatId, nameof(chats));
            ArgumentOutOfRangeException.ThrowIfNegative(chat.ReadSeq, nameof(chats));

            // A chat given twice would be counted twice by the join.
            if (!seen.Add(chat.ChatId))
            {
                throw new ArgumentException($"Chat '{chat.ChatId}' is given twice.", nameof(chats));
            }
        }
    }
}
