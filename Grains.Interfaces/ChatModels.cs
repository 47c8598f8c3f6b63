using System.Diagnostics.CodeAnalysis;

namespace OrleansChat;

[GenerateSerializer]
[Alias("chat.ChatType")]
public enum ChatType
{
    Group = 0,
    Direct = 1,
}

[GenerateSerializer]
[Alias("chat.ChatRole")]
public enum ChatRole
{
    Member = 0,
    Owner = 1,
}

[GenerateSerializer, Immutable]
[Alias("chat.ChatMember")]
public sealed record ChatMember(
    [property: Id(0)] string UserId,
    [property: Id(1)] ChatRole Role,
    [property: Id(2)] DateTimeOffset JoinedAt);

/// <summary>A chat as members see it.</summary>
[GenerateSerializer, Immutable]
[Alias("chat.ChatInfo")]
public sealed record ChatInfo(
    [property: Id(0)] string ChatId,
    [property: Id(1)] ChatType Type,
    [property: Id(2)] string? Title,
    [property: Id(3)] string? OwnerId,
    [property: Id(4)] IReadOnlyList<ChatMember> Members,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] long LastSeq);

/// <summary>A chat as one member lists it: with how far that member has read.</summary>
[GenerateSerializer, Immutable]
[Alias("chat.ChatSummary")]
public sealed record ChatSummary(
    [property: Id(0)] ChatInfo Chat,
    [property: Id(1)] long ReadSeq);

/// <summary>How far one member has received and read a chat (PROTOCOL.md 6.4): the highest any of their devices reported.</summary>
[GenerateSerializer, Immutable]
[Alias("chat.MemberReceipt")]
public sealed record MemberReceipt(
    [property: Id(0)] string UserId,
    [property: Id(1)] long ReadSeq,
    [property: Id(2)] long DeliveredSeq);

/// <summary>A chat as <c>GET /chats/{chatId}</c> shows it: with every member's receipt, in the members' order.</summary>
[GenerateSerializer, Immutable]
[Alias("chat.ChatDetails")]
public sealed record ChatDetails(
    [property: Id(0)] ChatInfo Chat,
    [property: Id(1)] IReadOnlyList<MemberReceipt> Receipts);

[GenerateSerializer, Immutable]
[Alias("chat.DirectChat")]
public sealed record DirectChat(
    [property: Id(0)] ChatInfo Chat,
    [property: Id(1)] bool Created);

[GenerateSerializer, Immutable]
[Alias("chat.ChatMessage")]
public sealed record ChatMessage(
    [property: Id(0)] string ChatId,
    [property: Id(1)] long Seq,
    [property: Id(2)] Guid MessageId,
    [property: Id(3)] string SenderId,
    [property: Id(4)] string Content,
    [property: Id(5)] DateTimeOffset SentAt,
    [property: Id(6)] string ClientMsgId)
{
    [Id(7)] public SendKind Kind { get; init; }

    /// <summary>On a change: the seq of the text it applies to.</summary>
    [Id(8)] public long? Target { get; init; }

    /// <summary>On a text: the seq of the earlier text it replies to.</summary>
    [Id(9)] public long? ReplyTo { get; init; }

    /// <summary>On a reaction: it takes the sender's reaction away.</summary>
    [Id(10)] public bool Remove { get; init; }

    /// <summary>On a text or an edit: the members it mentions.</summary>
    [Id(11)] public IReadOnlyList<string> Mentions { get; init; } = [];

    /// <summary>On a text read from history or sync: when it was last edited.</summary>
    [Id(12)] public DateTimeOffset? EditedAt { get; init; }

    /// <summary>On a text read from history or sync: it is a tombstone.</summary>
    [Id(13)] public bool Deleted { get; init; }

    /// <summary>On a text read from history or sync: its reactions in first-seen order.</summary>
    [Id(14)] public IReadOnlyList<ChatReaction> Reactions { get; init; } = [];

    /// <summary>On a text: the files it carries (none once it is deleted).</summary>
    [Id(15)] public IReadOnlyList<ChatAttachment> Attachments { get; init; } = [];

    /// <summary>On an assistant's reply: the job that wrote it (PROTOCOL.md 9).</summary>
    [Id(16)] public string? JobId { get; init; }

    /// <summary>On an assistant's reply: a member stopped it, and it holds the text written until then.</summary>
    [Id(17)] public bool Stopped { get; init; }

    // The lists compare by their items, so that a message equals itself after a round trip.
    public bool Equals(ChatMessage? other) =>
        other is not null
        && (ChatId, Seq, MessageId, SenderId, Content, SentAt, ClientMsgId, Kind, Target, ReplyTo, Remove, EditedAt, Deleted, JobId, Stopped)
            == (other.ChatId, other.Seq, other.MessageId, other.SenderId, other.Content, other.SentAt, other.ClientMsgId,
                other.Kind, other.Target, other.ReplyTo, other.Remove, other.EditedAt, other.Deleted, other.JobId, other.Stopped)
        && Mentions.SequenceEqual(other.Mentions)
        && Attachments.SequenceEqual(other.Attachments)
        && Reactions.Count == other.Reactions.Count
        && Reactions.Zip(other.Reactions).All(p => p.First.Content == p.Second.Content && p.First.UserIds.SequenceEqual(p.Second.UserIds));

    public override int GetHashCode() => HashCode.Combine(ChatId, Seq, MessageId, Content, Kind);
}

/// <summary>A send (PROTOCOL.md 3.2 and 6.1): a text, or a change with its target; content is empty on a delete.</summary>
[GenerateSerializer, Immutable]
[Alias("chat.SendCommand")]
public sealed record SendCommand(
    [property: Id(0)] string SenderId,
    [property: Id(1)] string ClientMsgId,
    [property: Id(2)] string Content)
{
    [Id(3)] public SendKind Kind { get; init; }

    [Id(4)] public long? Target { get; init; }

    [Id(5)] public long? ReplyTo { get; init; }

    [Id(6)] public bool Remove { get; init; }

    /// <summary>On a text: the ids of uploads of the sender that it carries (PROTOCOL.md 7), as the client sent them.</summary>
    [Id(7)] public IReadOnlyList<string> Attachments { get; init; } = [];

    /// <summary>On an assistant's reply: the job that writes it; only the assistant's sends carry one.</summary>
    [Id(8)] public string? JobId { get; init; }

    /// <summary>On an assistant's reply: it was stopped by a member (PROTOCOL.md 9).</summary>
    [Id(9)] public bool Stopped { get; init; }

    /// <summary>
    /// The send asks the assistant even without a mention (<c>POST /api/v1/jobs</c>): the room starts a job when the
    /// assistant is a member, and refuses the send when it is not.
    /// </summary>
    [Id(10)] public bool AskAssistant { get; init; }
}

/// <summary>What an <c>ack</c> carries: the message as stored (the first one, for a repeated client message id).</summary>
[GenerateSerializer, Immutable]
[Alias("chat.SendResult")]
public sealed record SendResult(
    [property: Id(0)] string ChatId,
    [property: Id(1)] string ClientMsgId,
    [property: Id(2)] Guid MessageId,
    [property: Id(3)] long Seq,
    [property: Id(4)] DateTimeOffset SentAt)
{
    /// <summary>The assistant job the message started (PROTOCOL.md 9), also on a repeat of it.</summary>
    [Id(5)] public string? JobId { get; init; }
}

/// <summary>
/// One send's outcome in a <see cref="IChatRoomGrain.SendBatch"/>: the stored message, or the failure class and
/// text of why it was not stored (a rule it broke, or the store failing); the send changed nothing then.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("chat.SendOutcome")]
public sealed record SendOutcome(
    [property: Id(0)] SendResult? Ack,
    [property: Id(1)] ChatErrorCode? ErrorCode,
    [property: Id(2)] string? ErrorMessage)
{
    [MemberNotNullWhen(true, nameof(Ack))]
    [MemberNotNullWhen(false, nameof(ErrorCode), nameof(ErrorMessage))]
    public bool IsStored => Ack is not null;

    public static SendOutcome Stored(SendResult ack) => new(ack, null, null);

    public static SendOutcome Failed(ChatErrorCode code, string message) => new(null, code, message);

    public static SendOutcome Failed(RuleViolation violation) => new(null, violation.Code, violation.Message);
}

/// <summary>Messages with seq in (AfterSeq, BeforeSeq); with only BeforeSeq (or neither), the newest ones.</summary>
[GenerateSerializer, Immutable]
[Alias("chat.HistoryQuery")]
public sealed record HistoryQuery(
    [property: Id(0)] long? AfterSeq,
    [property: Id(1)] long? BeforeSeq,
    [property: Id(2)] int Limit);

[GenerateSerializer, Immutable]
[Alias("chat.HistoryPage")]
public sealed record HistoryPage(
    [property: Id(0)] IReadOnlyList<ChatMessage> Messages,
    [property: Id(1)] bool HasMore,
    [property: Id(2)] long LastSeq);

/// <summary>A chat in a user's list, with the other member for a direct chat.</summary>
[GenerateSerializer, Immutable]
[Alias("chat.UserChat")]
public sealed record UserChat(
    [property: Id(0)] string ChatId,
    [property: Id(1)] ChatType Type,
    [property: Id(2)] string? PeerId);

[GenerateSerializer]
[Alias("chat.PresenceStatus")]
public enum PresenceStatus
{
    Offline = 0,
    Online = 1,
}

/// <summary>
/// A user's presence. The user grain gives every presence it hands out a new, higher <see cref="Version"/> (each
/// read takes one, not only each change), so a gateway keeps the highest it has seen and drops one that arrives late.
/// <see cref="HiddenFrom"/> names the users this one blocked: gateways show them the user offline without a last seen
/// time, as a user who never connected looks (PROTOCOL.md 6.5); it never leaves the server.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("chat.Presence")]
public sealed record Presence(
    [property: Id(0)] string UserId,
    [property: Id(1)] PresenceStatus Status,
    [property: Id(2)] DateTimeOffset? LastSeen,
    [property: Id(3)] long Version,
    [property: Id(4)] IReadOnlyList<string> HiddenFrom)
{
    public bool IsHiddenFrom(string userId) => HiddenFrom.Count > 0 && HiddenFrom.Contains(userId);

    /// <summary>What a user this one blocked sees.</summary>
    public Presence Hidden() => this with { Status = PresenceStatus.Offline, LastSeen = null, HiddenFrom = [] };

    /// <summary>The presence as <paramref name="userId"/> may see it.</summary>
    public Presence SeenBy(string userId) => IsHiddenFrom(userId) ? Hidden() : this;

    /// <summary>Whether every watcher sees the same in both, whatever their versions.</summary>
    public bool ShowsTheSameAs(Presence other) =>
        Status == other.Status && LastSeen == other.LastSeen && HiddenFrom.SequenceEqual(other.HiddenFrom);
}

/// <summary>
/// What a room needs to know of a member to queue push notifications and to judge sends without calling the member's
/// user grain: whether any device is connected, the registered devices, the member's settings of this chat (mute) and
/// the users they blocked. <see cref="Version"/> orders updates that may arrive out of order.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("chat.MemberReachability")]
public sealed record MemberReachability(
    [property: Id(0)] string UserId,
    [property: Id(1)] bool Connected,
    [property: Id(2)] IReadOnlyList<string> DeviceIds,
    [property: Id(3)] long Version,
    [property: Id(4)] ChatSettings Settings,
    [property: Id(5)] IReadOnlyList<string> BlockedUserIds);

/// <summary>
/// A member's settings of one chat (PROTOCOL.md 6.5): muted or not, and when a mute ends by itself (null: when the
/// member unmutes). An ended mute is judged at read time, so nothing has to run when it ends.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("chat.ChatSettings")]
public sealed record ChatSettings(
    [property: Id(0)] bool Muted,
    [property: Id(1)] DateTimeOffset? MutedUntil)
{
    public static readonly ChatSettings Unmuted = new(false, null);

    public bool IsMutedAt(DateTimeOffset now) => Muted && (MutedUntil is not { } until || until > now);

    /// <summary>The settings in force at <paramref name="now"/>: a mute that has ended reads as unmuted.</summary>
    public ChatSettings AsOf(DateTimeOffset now) => IsMutedAt(now) ? this : Unmuted;
}

[GenerateSerializer]
[Alias("chat.DevicePlatform")]
public enum DevicePlatform
{
    Fcm = 0,
    Apns = 1,
    WebPush = 2,
}

[GenerateSerializer, Immutable]
[Alias("chat.Device")]
public sealed record Device(
    [property: Id(0)] string DeviceId,
    [property: Id(1)] DevicePlatform Platform,
    [property: Id(2)] string Token,
    [property: Id(3)] DateTimeOffset RegisteredAt);

[GenerateSerializer, Immutable]
[Alias("chat.DeviceRegistration")]
public sealed record DeviceRegistration(
    [property: Id(0)] string DeviceId,
    [property: Id(1)] bool Created);
