namespace OrleansChat;

/// <summary>An event a room fans out to the gateways of its connected members.</summary>
[GenerateSerializer, Immutable]
[Alias("chat.ChatEvent")]
public abstract record ChatEvent;

[GenerateSerializer, Immutable]
[Alias("chat.MessagePosted")]
public sealed record MessagePosted([property: Id(0)] ChatMessage Message) : ChatEvent;

/// <summary>A member started or stopped typing. <see cref="Version"/> increases per room, so a late one can be dropped.</summary>
[GenerateSerializer, Immutable]
[Alias("chat.TypingChanged")]
public sealed record TypingChanged(
    [property: Id(0)] string ChatId,
    [property: Id(1)] string UserId,
    [property: Id(2)] bool Typing,
    [property: Id(3)] long Version) : ChatEvent;

/// <summary>A member's read or delivered seq rose (PROTOCOL.md 6.4); it carries both, as the <c>receipt</c> frame does.</summary>
/// <remarks>
/// It keeps the alias of the read-only receipt it grew from, so silos and gateways of both versions understand each
/// other during a rolling upgrade (an older reader skips the delivered seq, a field it does not know).
/// </remarks>
[GenerateSerializer, Immutable]
[Alias("chat.ReadReceipt")]
public sealed record ReceiptChanged(
    [property: Id(0)] string ChatId,
    [property: Id(1)] string UserId,
    [property: Id(2)] long ReadSeq,
    [property: Id(3)] long DeliveredSeq) : ChatEvent;

[GenerateSerializer]
[Alias("chat.MembershipChange")]
public enum MembershipChange
{
    Created = 0,
    MemberAdded = 1,
    MemberRemoved = 2,
}

/// <summary>
/// A chat was created, or a member joined or left. The room sends it to the gateways of the other members;
/// the affected user's own devices get it through that user's grain, which also tells their gateways to
/// start or stop delivering the chat to them. <see cref="Version"/> increases per room: one-way calls may
/// overtake each other, and a gateway applies only the newest change it has seen for a user and chat.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("chat.MembershipChanged")]
public sealed record MembershipChanged(
    [property: Id(0)] MembershipChange Change,
    [property: Id(1)] string UserId,
    [property: Id(2)] ChatInfo Chat,
    [property: Id(3)] long Version) : ChatEvent;
