namespace OrleansChat.Gateway.Protocol;

/// <summary>One chat of a sync: its messages after <see cref="AfterSeq"/>, at most <see cref="Limit"/> of them.</summary>
public readonly record struct SyncChat(string ChatId, long AfterSeq, int Limit);

/// <summary>
/// The rules of a sync, shared by the <c>sync</c> frame (PROTOCOL.md 3.2) and <c>POST /sync</c> (PROTOCOL.md 10): a
/// limit per chat (a chat's own over the request's, <see cref="ProtocolLimits.DefaultSyncPageSize"/> when neither says,
/// 1 to <see cref="ProtocolLimits.MaxPageSize"/>), each chat once, and each chat read as one history page.
/// </summary>
public static class ChatSync
{
    /// <summary>Throws <paramref name="bad"/>'s exception for a limit out of range; an absent one is fine.</summary>
    public static int? CheckLimit(int? limit, Func<string, ProtocolException> bad) => limit is null or (>= 1 and <= ProtocolLimits.MaxPageSize)
        ? limit
        : throw bad($"limit must be 1 to {ProtocolLimits.MaxPageSize}.");

    /// <summary>The chats to read, in the order asked; chats are read lazily, so a bad chat is reported in the order the request names it.</summary>
    public static List<SyncChat> Plan(IEnumerable<(string ChatId, long AfterSeq, int? Limit)> chats, int? limit, Func<string, ProtocolException> bad)
    {
        var requestLimit = CheckLimit(limit, bad) ?? ProtocolLimits.DefaultSyncPageSize;
        var plan = new List<SyncChat>();
        foreach (var (chatId, afterSeq, chatLimit) in chats)
        {
            plan.Add(new SyncChat(chatId, afterSeq, CheckLimit(chatLimit, bad) ?? requestLimit));
        }

        if (plan.DistinctBy(c => c.ChatId).Count() != plan.Count)
        {
            throw bad("Each chat appears once in a sync.");
        }

        return plan;
    }

    /// <summary>The chat's page for the caller; a chat the caller is not in fails as the room says (<c>forbidden</c>).</summary>
    public static Task<HistoryPage> ReadAsync(IGrainFactory grains, string userId, SyncChat chat) =>
        grains.GetGrain<IChatRoomGrain>(chat.ChatId).GetHistory(userId, new HistoryQuery(chat.AfterSeq, null, chat.Limit));
}
