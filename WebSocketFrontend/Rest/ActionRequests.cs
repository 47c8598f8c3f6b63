using System.Text.Json;
using OrleansChat.Gateway.Protocol;

namespace OrleansChat.Gateway.Rest;

/// <summary><c>POST /chats/{chatId}/typing</c>: the <c>typing</c> frame over REST.</summary>
internal sealed record TypingRequest : IJsonRequest<TypingRequest>
{
    public required string State { get; init; }

    public static void Check(JsonBody body)
    {
        if (body.RequiredString("state") is not ("start" or "stop"))
        {
            throw JsonBody.Bad("state must be 'start' or 'stop'.");
        }
    }
}

/// <summary><c>POST /chats/{chatId}/read</c> and <c>/delivered</c>: the <c>read</c> and <c>delivered</c> frames over REST.</summary>
internal sealed record SeqRequest : IJsonRequest<SeqRequest>
{
    public required long Seq { get; init; }

    public static void Check(JsonBody body) =>
        _ = body.NonNegativeInteger("seq") ?? throw JsonBody.Bad("'seq' is required and must be a non-negative integer.");
}

/// <summary><c>POST /sync</c>: the <c>sync</c> frame over REST, by the same rules (<see cref="ChatSync"/>).</summary>
internal sealed record SyncRequest : IJsonRequest<SyncRequest>
{
    public required IReadOnlyList<SyncChatRequest> Chats { get; init; }

    public int? Limit { get; init; }

    public static void Check(JsonBody body)
    {
        var limit = ChatSync.CheckLimit(Int32(body.NonNegativeInteger("limit")), JsonBody.Bad);
        ChatSync.Plan(body.RequiredArray("chats").Select(chat => (ChatIdIn(chat), body.NonNegativeInteger("afterSeq", chat) ?? 0, Int32(body.NonNegativeInteger("limit", chat)))), limit, JsonBody.Bad);
    }

    public List<SyncChat> ToPlan() =>
        ChatSync.Plan(Chats.Select(c => (c.ChatId, c.AfterSeq ?? 0, c.Limit)), Limit, JsonBody.Bad);

    private static string ChatIdIn(JsonElement chat) =>
        chat.ValueKind == JsonValueKind.Object && chat.TryGetProperty("chatId", out var id) && id.ValueKind == JsonValueKind.String
            && Identifiers.IsValidChatId(id.GetString())
            ? id.GetString()!
            : throw JsonBody.Bad($"Each of 'chats' needs a 'chatId' (1 to {Identifiers.MaxChatIdLength} of A-Z a-z 0-9 _ . - :).");

    /// <summary>A limit too large for an int is out of range all the same; the range check says so.</summary>
    private static int? Int32(long? value) => value is null ? null : (int)Math.Min(value.Value, int.MaxValue);
}

/// <summary>One chat of <c>POST /sync</c>.</summary>
internal sealed record SyncChatRequest
{
    public required string ChatId { get; init; }

    public long? AfterSeq { get; init; }

    public int? Limit { get; init; }
}
