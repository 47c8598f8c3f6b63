using Orleans.Concurrency;

namespace OrleansChat;

/// <summary>
/// One chat, keyed by chat id: its members and roles, the seq counter, ordered append, the idempotency
/// window, fan-out, typing and receipts. Rule violations throw <see cref="ChatException"/>.
/// </summary>
[Alias("chat.IChatRoomGrain")]
public interface IChatRoomGrain : IGrainWithStringKey
{
    /// <summary>Creates a group chat owned by <paramref name="ownerId"/>; Conflict when the id is taken.</summary>
    [Alias("CreateGroup")]
    Task<ChatInfo> CreateGroup(string ownerId, string? title, IReadOnlyList<string> memberIds);

    /// <summary>Opens the direct chat of two users, creating it the first time.</summary>
    [Alias("OpenDirect")]
    Task<DirectChat> OpenDirect(string userId, string peerId);

    [Alias("GetChat")]
    [AlwaysInterleave]
    Task<ChatInfo> GetChat(string requesterId);

    /// <summary>The chat with every member's receipt (PROTOCOL.md 6.4).</summary>
    [Alias("GetDetails")]
    [AlwaysInterleave]
    Task<ChatDetails> GetDetails(string requesterId);

    [Alias("GetSummary")]
    [AlwaysInterleave]
    Task<ChatSummary> GetSummary(string requesterId);

    [Alias("AddMember")]
    Task<ChatInfo> AddMember(string actorId, string userId);

    [Alias("RemoveMember")]
    Task RemoveMember(string actorId, string userId);

    /// <summary>Stores the message and answers once it is committed; repeats of a client message id return the first result.</summary>
    [Alias("Send")]
    [AlwaysInterleave]
    Task<SendResult> Send(SendCommand command);

    /// <summary>
    /// Stores the sends in the order given, as <see cref="Send"/> stores each, usually in one write: a gateway hands
    /// over a chat's sends that arrived while its previous batch was in flight. One outcome per command, in order.
    /// </summary>
    [Alias("SendBatch")]
    [AlwaysInterleave]
    Task<IReadOnlyList<SendOutcome>> SendBatch(IReadOnlyList<SendCommand> commands);

    [Alias("GetHistory")]
    [AlwaysInterleave]
    Task<HistoryPage> GetHistory(string requesterId, HistoryQuery query);

    [Alias("SetTyping")]
    Task SetTyping(string userId, bool typing);

    /// <summary>Raises the member's read seq, and their delivered seq with it (reading implies delivery).</summary>
    [Alias("MarkRead")]
    Task MarkRead(string userId, long seq);

    /// <summary>Raises the member's delivered seq: one of their devices has received the chat up to <paramref name="seq"/>.</summary>
    [Alias("MarkDelivered")]
    Task MarkDelivered(string userId, long seq);

    /// <summary>Registers or renews a gateway's lease on this chat's events; returns the lease length.</summary>
    [Alias("Subscribe")]
    Task<TimeSpan> Subscribe(IChatGatewayObserver gateway);

    [Alias("Unsubscribe")]
    Task Unsubscribe(IChatGatewayObserver gateway);

    /// <summary>A member's connectivity or devices changed (from their user grain).</summary>
    [OneWay]
    [Alias("MemberReachabilityChanged")]
    Task MemberReachabilityChanged(MemberReachability reachability);

    /// <summary>
    /// A member changed what this room acts on for them (their mute of it, their blocks), from their user grain, which
    /// awaits it so that the next send is judged by the change. Interleaves: it only updates memory, and the room may be
    /// waiting on that user grain meanwhile.
    /// </summary>
    [AlwaysInterleave]
    [Alias("MemberSettingsChanged")]
    Task MemberSettingsChanged(MemberReachability reachability);
}
