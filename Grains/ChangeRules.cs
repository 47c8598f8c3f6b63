using OrleansChat.Persistence;

namespace OrleansChat.Grains;

/// <summary>
/// The rules of PROTOCOL.md 6.1 that need the store: what a change's target and a reply's replyTo must be, and who may
/// edit or delete. Judged against one <see cref="IMessageStore.GetTargetsAsync"/> read per batch, plus the deletes
/// accepted earlier in the same batch (the store applies those only when the batch commits).
/// </summary>
internal static class ChangeRules
{
    private static readonly RuleViolation NoTarget = new(ChatErrorCode.NotFound, "target is not a message of this chat, or it was deleted.");

    private static readonly RuleViolation NotYourEdit = new(ChatErrorCode.Forbidden, "Only its sender may edit a message.");

    private static readonly RuleViolation NotYourDelete = new(ChatErrorCode.Forbidden, "Only its sender or the group's owner may delete a message.");

    private static readonly RuleViolation BadReply = new(ChatErrorCode.BadRequest, "replyTo is not an earlier message of this chat.");

    /// <summary>Whether a send needs the store's word on a seq before it may be written.</summary>
    public static bool NeedsTargets(SendCommand command) => command.Kind != SendKind.Text || command.ReplyTo is not null;

    /// <summary>The seq a send points at: its target, or the text it replies to.</summary>
    public static long PointsAt(SendCommand command) => command.Target ?? command.ReplyTo ?? 0;

    public static RuleViolation? Check(
        SendCommand command, Dictionary<long, MessageTarget> targets, HashSet<long> deletedInBatch, bool ownsGroup)
    {
        var found = targets.TryGetValue(PointsAt(command), out var target) && target.Kind == MessageKind.Text;
        if (command.Kind == SendKind.Text)
        {
            return found ? null : BadReply;
        }

        if (!found || target.Deleted || deletedInBatch.Contains(target.Seq))
        {
            return NoTarget;
        }

        return command.Kind switch
        {
            SendKind.Edit when target.SenderId != command.SenderId => NotYourEdit,
            SendKind.Delete when target.SenderId != command.SenderId && !ownsGroup => NotYourDelete,
            _ => null,
        };
    }
}
