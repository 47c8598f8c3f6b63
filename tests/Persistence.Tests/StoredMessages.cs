namespace OrleansChat.Persistence.Tests;

/// <summary>Lookups the store has no production use for, made from what it does offer.</summary>
internal static class StoredMessages
{
    /// <summary>The chat's stored message with this sender and client message id, or null: a read of the whole chat.</summary>
    public static async Task<StoredMessage?> FindAsync(IMessageStore store, string chatId, string senderId, string clientMsgId, CancellationToken cancellationToken)
    {
        var page = await store.ReadAsync(chatId, new MessageRange(0, long.MaxValue, int.MaxValue - 1, FromNewest: false), cancellationToken);
        return page.Messages.SingleOrDefault(m => m.SenderId == senderId && m.ClientMsgId == clientMsgId);
    }
}
