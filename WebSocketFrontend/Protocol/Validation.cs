namespace OrleansChat.Gateway.Protocol;

/// <summary>Shape rules shared by the WebSocket and REST edges.</summary>
public static class Validation
{
    public const int MaxDeviceTokenLength = 4096;

    /// <summary>The kind named by a send (text when absent), or a <c>bad_request</c> for one not listed in PROTOCOL.md 6.1.</summary>
    public static SendKind ParseKind(string? kind) =>
        SendKinds.Parse(kind) ?? throw new ProtocolException(ProtocolError.BadRequest("kind must be text, edit, delete or reaction."));

    /// <summary>Checks a send or change by the shape rules of PROTOCOL.md 6.1, which the room applies too.</summary>
    public static SendCommand CheckSend(string userId, SendKind kind, string clientMsgId, string? content, long? target, long? replyTo, bool remove)
    {
        if (SendRules.Check(kind, clientMsgId, content, target, replyTo) is { } broken)
        {
            throw new ProtocolException(ProtocolErrors.FromChat(broken.Code, broken.Message));
        }

        return new SendCommand(userId, clientMsgId, content ?? "")
        {
            Kind = kind,
            Target = target,
            ReplyTo = replyTo,
            Remove = kind == SendKind.Reaction && remove,
        };
    }
}
