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

    public const int MaxReactionLength = 16;

    private static readonly RuleViolation MissingTarget = new(ChatErrorCode.BadRequest, "target is required on an edit, a delete or a reaction.");

    private static readonly RuleViolation TargetOnText = new(ChatErrorCode.BadRequest, "target goes with kind edit, delete or reaction only.");

    private static readonly RuleViolation ReplyToOnChange = new(ChatErrorCode.BadRequest, "replyTo goes with kind text only.");

    private static readonly RuleViolation ContentOnDelete = new(ChatErrorCode.BadRequest, "A delete has no content.");

    private static readonly RuleViolation ReactionTooLong =
        new(ChatErrorCode.TooLarge, $"A reaction is 1 to {MaxReactionLength} characters.");

    private static readonly RuleViolation AttachmentsOnChange = new(ChatErrorCode.BadRequest, "attachments go with kind text only.");

    private static readonly RuleViolation TooManyAttachments =
        new(ChatErrorCode.BadRequest, $"A text carries at most {ProtocolLimits.MaxAttachments} attachments.");

    private static readonly RuleViolation RepeatedAttachment = new(ChatErrorCode.BadRequest, "attachments names one upload twice.");

    /// <summary>
    /// The first shape rule of PROTOCOL.md 6.1 and 7 the send breaks, or null when it is well formed: a text that
    /// carries attachments may have empty content. Whose the uploads are is the room's to judge (it needs the store).
    /// </summary>
    public static RuleViolation? Check(SendKind kind, string? clientMsgId, string? content, long? target, long? replyTo, IReadOnlyList<string> attachments)
    {
        if (attachments.Count == 0)
        {
            return Check(kind, clientMsgId, content, target, replyTo);
        }

        if (kind != SendKind.Text)
        {
            return AttachmentsOnChange;
        }

        if (attachments.Count > ProtocolLimits.MaxAttachments)
        {
            return TooManyAttachments;
        }

        for (var i = 1; i < attachments.Count; i++)
        {
            for (var j = 0; j < i; j++)
            {
                if (attachments[i] == attachments[j])
                {
                    return RepeatedAttachment;
                }
            }
        }

        if (target is not null)
        {
            return TargetOnText;
        }

        if (!Identifiers.IsValidClientMsgId(clientMsgId))
        {
            return InvalidClientMsgId;
        }

        return content is null || ProtocolLimits.IsWithinLength(content, ProtocolLimits.MaxContentLength) ? null : ContentTooLong;
    }

    /// <summary>The first shape rule of PROTOCOL.md 6.1 the send breaks, or null when it is well formed.</summary>
    public static RuleViolation? Check(SendKind kind, string? clientMsgId, string? content, long? target, long? replyTo)
    {
        if (kind == SendKind.Text)
        {
            return target is not null ? TargetOnText : Check(clientMsgId, content);
        }

        if (!Identifiers.IsValidClientMsgId(clientMsgId))
        {
            return InvalidClientMsgId;
        }

        if (target is null)
        {
            return MissingTarget;
        }

        if (replyTo is not null)
        {
            return ReplyToOnChange;
        }

        return kind switch
        {
            SendKind.Delete => string.IsNullOrEmpty(content) ? null : ContentOnDelete,
            SendKind.Reaction => string.IsNullOrEmpty(content) ? EmptyContent
                : ProtocolLimits.IsWithinLength(content, MaxReactionLength) ? null : ReactionTooLong,
            _ => Check(clientMsgId, content),
        };
    }

    /// <summary>The first rule a text's id and content break, in the order above, or null when they are well formed.</summary>
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
