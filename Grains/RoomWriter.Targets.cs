using OrleansChat.Persistence;

namespace OrleansChat.Grains;

/// <summary>The rules of PROTOCOL.md 6.1 that need the store, checked for a whole batch before it is written.</summary>
internal sealed partial class RoomWriter
{
    /// <summary>
    /// Answers the sends whose target or replyTo breaks PROTOCOL.md 6.1 (they store nothing) and returns the rest, in
    /// order. Targets among the room's recent rows are checked in memory; the others with one store read for the whole
    /// batch, and when it fails, the whole batch is answered as unavailable.
    /// </summary>
    private async Task<PendingSend[]> CheckTargets(PendingSend[] batch)
    {
        // Recent rows are known; a seq past the last stored one has no row. Only the rest costs a store read.
        var targets = new Dictionary<long, MessageTarget>();
        var unknown = new HashSet<long>();
        foreach (var p in batch)
        {
            if (ChangeRules.NeedsTargets(p.Command))
            {
                var seq = ChangeRules.PointsAt(p.Command);
                if (_recentTargets.TryGet(seq, out var known))
                {
                    targets[seq] = known;
                }
                else if (seq > 0 && seq <= LastSeq)
                {
                    unknown.Add(seq);
                }
            }
        }

        if (unknown.Count > 0)
        {
            try
            {
                foreach (var target in await store.GetTargetsAsync(chatId, unknown))
                {
                    targets[target.Seq] = target;
                }
            }
            catch (Exception ex)
            {
                FailAll(batch, ex);
                return [];
            }
        }

        var accepted = new List<PendingSend>(batch.Length);
        var deleted = new HashSet<long>();
        foreach (var p in batch)
        {
            var command = p.Command;
            if (ChangeRules.NeedsTargets(command)
                && ChangeRules.Check(command, targets, deleted, ownsGroup(command.SenderId)) is { } refused)
            {
                await Refuse(p, refused);
                continue;
            }

            if (command.Kind != SendKind.Text)
            {
                // What the store needs of the target: it is checked, so the append does not read it again.
                p.Target = targets[command.Target!.Value];
            }

            if (command.Kind == SendKind.Delete)
            {
                deleted.Add(command.Target!.Value);
            }

            accepted.Add(p);
        }

        return [.. accepted];
    }

    /// <summary>
    /// Refuses a send, unless it repeats one stored before the idempotency window forgot it: a change acked yesterday
    /// whose target was deleted since is answered with its first ack, as every repeat is, not with the rule it now breaks.
    /// Refusals are rare, so the look-up costs the plain path nothing.
    /// </summary>
    private async Task Refuse(PendingSend pending, RuleViolation refused)
    {
        var command = pending.Command;
        StoredMessage? stored;
        try
        {
            stored = await store.FindByClientMsgIdAsync(chatId, command.SenderId, command.ClientMsgId);
        }
        catch (Exception ex)
        {
            FailAll([pending], ex);
            return;
        }

        if (stored is null)
        {
            Fail(pending, refused.ToException());
            return;
        }

        var result = new SendResult(chatId, stored.ClientMsgId, stored.MessageId, stored.Seq, stored.SentAt);
        _recent.Remember(command.SenderId, result);
        _queued.Remove((command.SenderId, command.ClientMsgId));
        pending.TrySetResult(result);
    }

    private void FailAll(PendingSend[] batch, Exception ex)
    {
        LogAppendFailed(logger, ex, chatId, batch.Length);
        foreach (var p in batch)
        {
            Fail(p, ChatException.Unavailable("The message was not stored; send it again."));
        }
    }

    private void Fail(PendingSend pending, ChatException error)
    {
        _queued.Remove((pending.Command.SenderId, pending.Command.ClientMsgId));
        pending.TrySetException(error);
    }
}
