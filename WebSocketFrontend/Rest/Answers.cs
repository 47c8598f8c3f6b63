using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using OrleansChat.Gateway.Protocol;

namespace OrleansChat.Gateway.Rest;

/// <summary>
/// A chat: <c>readSeq</c>, <c>unreadCount</c>, <c>mentionCount</c>, <c>muted</c> and <c>mutedUntil</c> only where one
/// member lists it (<c>GET /me/chats</c>, PROTOCOL.md 6.5),
/// <c>receipts</c> only in <c>GET /chats/{chatId}</c> (PROTOCOL.md 6.4).
/// </summary>
internal sealed record ChatDto(
    string ChatId,
    string Type,
    string? Title,
    string? OwnerId,
    IReadOnlyList<string> Members,
    string CreatedAt,
    long LastSeq,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? ReadSeq = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? UnreadCount = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? MentionCount = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Muted = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? MutedUntil = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ReceiptDto>? Receipts = null)
{
    public static ChatDto From(ChatInfo chat) => new(
        chat.ChatId,
        chat.Type == ChatType.Direct ? "direct" : "group",
        chat.Title,
        chat.OwnerId,
        chat.Members.Select(m => m.UserId).ToArray(),
        Times.ToWire(chat.CreatedAt),
        chat.LastSeq);

    public static ChatDto From(ListedChat listed) => From(listed.Chat) with
    {
        ReadSeq = listed.ReadSeq,
        UnreadCount = listed.UnreadCount,
        MentionCount = listed.MentionCount,
        Muted = listed.Settings.Muted,
        MutedUntil = listed.Settings.MutedUntil is { } until ? Times.ToWire(until) : null,
    };

    public static ChatDto From(ChatDetails details) => From(details.Chat) with
    {
        Receipts = details.Receipts.Select(r => new ReceiptDto(r.UserId, r.ReadSeq, r.DeliveredSeq)).ToArray(),
    };
}

/// <summary>One member's receipt: the <c>receipt</c> frame's fields without its <c>type</c> and <c>chatId</c>.</summary>
internal sealed record ReceiptDto(string UserId, long ReadSeq, long DeliveredSeq);

/// <summary>A member's settings of a chat: <c>mutedUntil</c> only when the mute ends by itself.</summary>
internal sealed record ChatSettingsDto(
    bool Muted,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? MutedUntil)
{
    public static ChatSettingsDto From(ChatSettings settings) =>
        new(settings.Muted, settings.MutedUntil is { } until ? Times.ToWire(until) : null);
}

internal sealed record BlockListDto(IReadOnlyList<string> UserIds);

internal sealed record ChatListDto(IReadOnlyList<ChatDto> Chats);

/// <summary>A message of a history page: the <c>message</c> frame without its <c>type</c>; absent fields are left out.</summary>
internal sealed record MessageDto(
    string ChatId,
    long Seq,
    string Kind,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Target,
    Guid MessageId,
    string SenderId,
    string Content,
    string SentAt,
    string ClientMsgId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? ReplyTo,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Remove,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Mentions,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<MessageAttachmentDto>? Attachments,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? EditedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Deleted,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ReactionDto>? Reactions,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? JobId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Stopped = null)
{
    public static MessageDto From(ChatMessage m) => new(
        m.ChatId,
        m.Seq,
        SendKinds.ToWire(m.Kind),
        m.Kind == SendKind.Text ? null : m.Target,
        m.MessageId,
        m.SenderId,
        m.Content,
        Times.ToWire(m.SentAt),
        m.ClientMsgId,
        m.ReplyTo,
        m.Remove ? true : null,
        m.Kind is SendKind.Text or SendKind.Edit ? m.Mentions : null,
        m.Attachments.Count > 0 ? [.. m.Attachments.Select(MessageAttachmentDto.From)] : null,
        m.EditedAt is { } editedAt ? Times.ToWire(editedAt) : null,
        m.Deleted ? true : null,
        m.Reactions.Count > 0 ? [.. m.Reactions.Select(r => new ReactionDto(r.Content, r.UserIds))] : null,
        m.JobId,
        m.Stopped ? true : null);
}

internal sealed record ReactionDto(string Content, IReadOnlyList<string> UserIds);

/// <summary>An attachment object of PROTOCOL.md 7: the upload's answer without its SHA-256.</summary>
internal sealed record MessageAttachmentDto(
    string AttachmentId,
    string Name,
    string ContentType,
    long Size,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Width,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Height)
{
    public static MessageAttachmentDto From(ChatAttachment a) => new(a.AttachmentId.ToString("D"), a.Name, a.ContentType, a.Size, a.Width, a.Height);
}

internal sealed record MessagePageDto(IReadOnlyList<MessageDto> Messages, bool HasMore)
{
    public static MessagePageDto From(HistoryPage page) => new(page.Messages.Select(MessageDto.From).ToArray(), page.HasMore);
}

/// <summary>The answer to a send: the fields of the <c>ack</c> frame, <c>jobId</c> only when it started an assistant job.</summary>
internal sealed record SendResultDto(
    string ChatId,
    string ClientMsgId,
    Guid MessageId,
    long Seq,
    string SentAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? JobId = null)
{
    public static SendResultDto From(SendResult r) => new(r.ChatId, r.ClientMsgId, r.MessageId, r.Seq, Times.ToWire(r.SentAt), r.JobId);
}

/// <summary>The answer to <c>POST /sync</c> (PROTOCOL.md 10).</summary>
internal sealed record SyncAnswerDto(IReadOnlyList<SyncedChatDto> Chats);

/// <summary>One chat of a sync: its messages, <c>lastSeq</c> and <c>hasMore</c> as <c>synced</c> says them; or only its <c>error</c> code.</summary>
internal sealed record SyncedChatDto(
    string ChatId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<MessageDto>? Messages,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? LastSeq,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? HasMore,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error);

internal sealed record DeviceDto(string DeviceId);

internal sealed record DevTokenDto(string AccessToken, string ExpiresAt);

/// <summary>
/// The REST edge's JSON: bodies are bound and answers written by the framework with these source-generated contracts.
/// Names are case-sensitive (a <c>Title</c> is not a <c>title</c>, as the checks read them), and non-ASCII text stays
/// as it is, as in WebSocket frames: answers go to API clients, never into HTML.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNameCaseInsensitive = false, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(CreateChatRequest))]
[JsonSerializable(typeof(DirectChatRequest))]
[JsonSerializable(typeof(AddMemberRequest))]
[JsonSerializable(typeof(SendMessageRequest))]
[JsonSerializable(typeof(RegisterDeviceRequest))]
[JsonSerializable(typeof(ChatSettingsRequest))]
[JsonSerializable(typeof(DevTokenRequest))]
[JsonSerializable(typeof(TypingRequest))]
[JsonSerializable(typeof(SeqRequest))]
[JsonSerializable(typeof(SyncRequest))]
[JsonSerializable(typeof(SyncAnswerDto))]
[JsonSerializable(typeof(ChatDto))]
[JsonSerializable(typeof(ChatListDto))]
[JsonSerializable(typeof(MessagePageDto))]
[JsonSerializable(typeof(SearchResultsDto))]
[JsonSerializable(typeof(SendResultDto))]
[JsonSerializable(typeof(DeviceDto))]
[JsonSerializable(typeof(ChatSettingsDto))]
[JsonSerializable(typeof(BlockListDto))]
[JsonSerializable(typeof(DevTokenDto))]
[JsonSerializable(typeof(StartJobRequest))]
[JsonSerializable(typeof(JobStartedDto))]
[JsonSerializable(typeof(JobDto))]
internal sealed partial class RestJson : JsonSerializerContext
{
    /// <summary>Makes the app's JSON options (the ones minimal APIs bind and answer with) the REST edge's.</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNameCaseInsensitive = false;
        options.NumberHandling = JsonNumberHandling.Strict;  // numbers are numbers, in bodies and in the document
        options.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        options.TypeInfoResolverChain.Insert(0, Default);
    }
}
