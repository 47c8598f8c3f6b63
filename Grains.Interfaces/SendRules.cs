namespace OrleansChat;

/// <summary>
/// The shape of a send (PROTOCOL.md 1 and 3.2). The gateway checks it so that a malformed frame costs no grain call;
/// the room checks it again because it cannot trust its callers. One rule set, so both answer with the same text.
/// </summary>
public static class SendRules
{
    private static readonly RuleViolation InvalidClientMsgId =
        new(ChatErrorCode.BadRequest, $"clientMsgId must be 1 to {Identifiers.MaxClientMsgIdLength} characters.");

    private static readonly RuleViolation EmptyContent = new(ChatErrorCode.BadRequest, "content must not be empty.");

    private static readonly RuleViolation ContentTooLong =
        new(ChatErrorCode.TooLarge, $"content is longer than {ProtocolLimits.MaxContentLength} characters.");

    /// <summary>The first rule the send breaks, in the order above, or null when it is well formed.</summary>
    public static RuleViolation? Check(string? clientMsgId, string? content)
    {
        if (!Identifiers.IsValidClientMsgId(clientMsgId))
        {
            return InvalidClientMsgId;
        }

        if (string.IsNullOrEmpty(content))
        {
            return EmptyContent;
        }

        return ProtocolLimits.IsWithinLength(content, ProtocolLimits.MaxContentLength) ? null : ContentTooLong;
    }
}
