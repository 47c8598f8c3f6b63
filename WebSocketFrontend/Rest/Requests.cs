using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using OrleansChat.Gateway.Protocol;

namespace OrleansChat.Gateway.Rest;

/// <summary>
/// A REST request body: a record the framework binds from JSON once <see cref="Check"/> has passed the same body
/// field by field (<see cref="RestRequestChecks"/>). Being a parameter of an endpoint is what puts the check on it.
/// </summary>
internal interface IJsonRequest<TSelf> : IEndpointParameterMetadataProvider
    where TSelf : IJsonRequest<TSelf>
{
    /// <summary>Throws the first rule the body breaks, in the order PROTOCOL.md's answers name them.</summary>
    static abstract void Check(JsonBody body);

    static void IEndpointParameterMetadataProvider.PopulateMetadata(ParameterInfo parameter, EndpointBuilder builder)
    {
        builder.Metadata.Add(new JsonBodyCheck(TSelf.Check));

        // The framework's metadata says the body is application/json, and routing would answer any other media type
        // with a bare 415 before the chat route and this check speak. This later entry, naming no media type, keeps
        // routing out of it; the OpenAPI document still lists the framework's application/json.
        builder.Metadata.Add(AnyMediaTypeReachesTheCheck.Instance);
    }
}

internal sealed class AnyMediaTypeReachesTheCheck : IAcceptsMetadata
{
    public static readonly AnyMediaTypeReachesTheCheck Instance = new();

    public IReadOnlyList<string> ContentTypes => [];

    public Type? RequestType => null;

    public bool IsOptional => false;
}

/// <summary><c>POST /chats</c>: a group with the caller as its owner and first member.</summary>
internal sealed record CreateChatRequest : IJsonRequest<CreateChatRequest>
{
    public string? Title { get; init; }

    public IReadOnlyList<string>? Members { get; init; }

    public static void Check(JsonBody body)
    {
        body.OptionalString("title");
        body.UserIds("members");
    }
}

/// <summary><c>POST /chats/direct</c>: the direct chat between the caller and another user.</summary>
internal sealed record DirectChatRequest : IJsonRequest<DirectChatRequest>
{
    public required string UserId { get; init; }

    public static void Check(JsonBody body) => body.UserId("userId");
}

/// <summary><c>POST /chats/{chatId}/members</c>.</summary>
internal sealed record AddMemberRequest : IJsonRequest<AddMemberRequest>
{
    public required string UserId { get; init; }

    public static void Check(JsonBody body) => body.UserId("userId");
}

/// <summary><c>POST /chats/{chatId}/messages</c>: a send, idempotent on its client message id like the <c>send</c> frame.</summary>
internal sealed record SendMessageRequest : IJsonRequest<SendMessageRequest>
{
    public required string ClientMsgId { get; init; }

    public string? Content { get; init; }

    public string? Kind { get; init; }

    public long? Target { get; init; }

    public long? ReplyTo { get; init; }

    public bool? Remove { get; init; }

    public IReadOnlyList<string>? Attachments { get; init; }

    public static void Check(JsonBody body) => Command(body, "");

    public SendCommand ToCommand(string userId) =>
        Validation.CheckSend(userId, Validation.ParseKind(Kind), ClientMsgId, Content, Target, ReplyTo, Remove == true, Attachments ?? []);

    private static SendCommand Command(JsonBody body, string userId)
    {
        var clientMsgId = body.RequiredString("clientMsgId");
        var kind = Validation.ParseKind(body.OptionalString("kind"));
        var attachments = body.OptionalStrings("attachments");
        var content = Validation.ContentIsOptional(kind, attachments) ? body.OptionalString("content") : body.RequiredString("content");
        return Validation.CheckSend(
            userId, kind, clientMsgId, content, body.OptionalInteger("target"), body.OptionalInteger("replyTo"), body.OptionalBool("remove"), attachments);
    }
}

/// <summary><c>PUT /chats/{chatId}/settings</c>: the caller's mute of the chat, for good or until a future time.</summary>
internal sealed record ChatSettingsRequest : IJsonRequest<ChatSettingsRequest>
{
    public required bool Muted { get; init; }

    public DateTimeOffset? MutedUntil { get; init; }

    public static void Check(JsonBody body)
    {
        var muted = body.RequiredBool("muted");
        if (body.OptionalTime("mutedUntil") is not null && !muted)
        {
            throw JsonBody.Bad("mutedUntil goes with \"muted\": true only.");
        }
    }
}

/// <summary><c>POST /devices</c>: a push token; the platform is <c>fcm</c>, <c>apns</c> or <c>webpush</c>.</summary>
internal sealed record RegisterDeviceRequest : IJsonRequest<RegisterDeviceRequest>
{
    public required string Platform { get; init; }

    public required string Token { get; init; }

    public DevicePlatform ToDevicePlatform() => ParsePlatform(Platform) ?? throw BadPlatform();

    public static void Check(JsonBody body)
    {
        _ = ParsePlatform(body.RequiredString("platform")) ?? throw BadPlatform();
        var token = body.RequiredString("token");
        if (token.Length == 0 || !ProtocolLimits.IsWithinLength(token, Validation.MaxDeviceTokenLength))
        {
            throw JsonBody.Bad($"token must be 1 to {Validation.MaxDeviceTokenLength} characters.");
        }
    }

    private static DevicePlatform? ParsePlatform(string platform) => platform switch
    {
        "fcm" => DevicePlatform.Fcm,
        "apns" => DevicePlatform.Apns,
        "webpush" => DevicePlatform.WebPush,
        _ => null,
    };

    private static ProtocolException BadPlatform() => JsonBody.Bad("platform must be 'fcm', 'apns' or 'webpush'.");
}

/// <summary><c>POST /auth/dev-token</c>: a signed token for any user id, where development tokens are on.</summary>
internal sealed record DevTokenRequest : IJsonRequest<DevTokenRequest>
{
    public required string UserId { get; init; }

    public string? DisplayName { get; init; }

    public IReadOnlyList<string>? Roles { get; init; }

    public static void Check(JsonBody body)
    {
        body.UserId("userId");
        body.OptionalString("displayName");
        body.UserIds("roles");
    }
}

/// <summary>
/// Endpoint metadata: the body is read (within the size limit), checked, and handed to the framework's JSON binding.
/// </summary>
internal sealed class JsonBodyCheck(Action<JsonBody> check)
{
    public void Run(JsonBody body) => check(body);
}
