using Orleans.Concurrency;

namespace OrleansChat;

/// <summary>
/// One per gateway process. Rooms and users send each event once per gateway, one way; the gateway
/// fans it out to its local connections.
/// </summary>
[Alias("chat.IChatGatewayObserver")]
public interface IChatGatewayObserver : IGrainObserver
{
    /// <summary>
    /// Events of one chat, in the room's order within the call. Calls may overtake each other: messages carry
    /// their seq, and typing and membership changes a version, so the gateway restores the order.
    /// </summary>
    [OneWay]
    [Alias("OnChatEvents")]
    Task OnChatEvents(string chatId, IReadOnlyList<ChatEvent> events);

    /// <summary>The user joined or left a chat: their connections here start or stop receiving it.</summary>
    [OneWay]
    [Alias("OnMembershipChanged")]
    Task OnMembershipChanged(string userId, MembershipChanged change);

    [OneWay]
    [Alias("OnPresenceChanged")]
    Task OnPresenceChanged(Presence presence);
}
