using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using OrleansChat.Persistence;

namespace OrleansChat.Grains;

/// <summary>
/// Lists a user's chats: the user grain's chats and mutes, every room's summary in parallel (rooms answer from memory
/// once active), then one store query for the unread counts of the chats that have anything past the read seq.
/// </summary>
/// <remarks>
/// A stateless worker, so lists are made on the silo that is asked, by as many activations as it needs; reentrant, since
/// it keeps nothing between calls and a list spends its time waiting on other grains and the store. Nothing calls it
/// back, so it is in no call cycle.
/// </remarks>
[StatelessWorker]
[Reentrant]
public sealed partial class ChatListGrain(IMessageStore messages, ILogger<ChatListGrain> logger) : Grain, IChatListGrain
{
    private GrainType _roomType;
    private GrainInterfaceType _roomInterface;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // GetGrain<IChatRoomGrain>(chatId) finds the grain type of the interface by reflection on every call: an eighth of
        // the silo's CPU while it served 500-chat lists (perf). Found once here, a room's reference is a dictionary lookup.
        var prototype = (GrainReference)GrainFactory.GetGrain<IChatRoomGrain>(nameof(ChatListGrain));
        (_roomType, _roomInterface) = (prototype.GrainId.Type, prototype.InterfaceType);
        return Task.CompletedTask;
    }

    public async Task<IReadOnlyList<ListedChat>> List(string userId)
    {
        var user = GrainFactory.GetGrain<IUserGrain>(userId);
        var muted = user.GetMutedChats();
        var chats = await user.GetChats();
        var summaries = await Task.WhenAll(chats.Select(c => Room(c.ChatId).GetSummary(userId)));
        var counts = await CountUnreadAsync(userId, summaries);
        var settings = await muted;
        return
        [
            .. summaries.Select(s => counts.TryGetValue(s.Chat.ChatId, out var unread)
                ? new ListedChat(s.Chat, s.ReadSeq, Settings(settings, s), unread.Unread, unread.Mentions)
                : new ListedChat(s.Chat, s.ReadSeq, Settings(settings, s), 0, 0)),
        ];
    }

    private IChatRoomGrain Room(string chatId) => (IChatRoomGrain)GrainFactory.GetGrain(GrainId.Create(_roomType, chatId), _roomInterface);

    private static ChatSettings Settings(IReadOnlyDictionary<string, ChatSettings> muted, ChatSummary summary) =>
        muted.GetValueOrDefault(summary.Chat.ChatId) ?? ChatSettings.Unmuted;

    /// <summary>A chat whose last seq is the read seq has nothing unread, so the store is asked only about the others.</summary>
    private async Task<Dictionary<string, UnreadCount>> CountUnreadAsync(string userId, ChatSummary[] summaries)
    {
        var behind = summaries.Where(s => s.Chat.LastSeq > s.ReadSeq).Select(s => new ReadPosition(s.Chat.ChatId, s.ReadSeq)).ToList();
        if (behind.Count == 0)
        {
            return [];
        }

        try
        {
            return (await messages.CountUnreadAsync(userId, behind)).ToDictionary(c => c.ChatId, StringComparer.Ordinal);
        }
        catch (Exception ex)
        {
            LogCountFailed(ex, userId);
            throw ChatException.Unavailable("Unread counts are temporarily unavailable.");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Counting the unread messages of user {UserId} failed")]
    private partial void LogCountFailed(Exception exception, string userId);
}
