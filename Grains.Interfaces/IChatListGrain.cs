namespace OrleansChat;

/// <summary>
/// A user's chat list as <c>GET /me/chats</c> shows it (PROTOCOL.md 6.5). A stateless worker that asks the user grain,
/// the rooms and the message store: the user grain itself must not wait on hundreds of rooms (and rooms call user
/// grains, so a user -> room call would be a cycle).
/// </summary>
[Alias("chat.IChatListGrain")]
public interface IChatListGrain : IGrainWithIntegerKey
{
    /// <summary>Every chat of <paramref name="userId"/>, in the user's order, with their read seq, settings and unread counts.</summary>
    [Alias("List")]
    Task<IReadOnlyList<ListedChat>> List(string userId);
}

/// <summary>
/// One chat in a member's list: how far the member has read it, their settings of it (an ended mute reads as unmuted),
/// the texts of others they have not read that are not deleted, and how many of those mention them.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("chat.ListedChat")]
public sealed record ListedChat(
    [property: Id(0)] ChatInfo Chat,
    [property: Id(1)] long ReadSeq,
    [property: Id(2)] ChatSettings Settings,
    [property: Id(3)] int UnreadCount,
    [property: Id(4)] int MentionCount);
