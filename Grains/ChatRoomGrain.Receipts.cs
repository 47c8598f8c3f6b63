namespace OrleansChat.Grains;

/// <summary>Delivered and read receipts (PROTOCOL.md 6.4): raised in memory at once, stored in coalesced writes, published once stored.</summary>
public sealed partial class ChatRoomGrain
{
    /// <summary>How long a failed receipt write waits before it is tried again with whatever rose meanwhile.</summary>
    private static readonly TimeSpan ReceiptRetryDelay = TimeSpan.FromSeconds(1);

    public Task MarkRead(string userId, long seq) => RaiseReceipt(userId, seq, read: true);

    public Task MarkDelivered(string userId, long seq) => RaiseReceipt(userId, seq, read: false);

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        try
        {
            // Reports that rose just before are published only once stored: finish that write rather than drop it.
            await _receipts.FlushAsync().WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The deactivation timed out with the store down: those rises were never published, so nobody saw them.
        }
    }

    /// <summary>
    /// Raises a member's read or delivered seq. Every member's gateways get a receipt for each rise, in order, once the
    /// write holding it has succeeded; rises reported while a write is in flight share the next write. A report that
    /// raises nothing writes and sends nothing.
    /// </summary>
    private Task RaiseReceipt(string userId, long seq, bool read)
    {
        var member = RequireMember(userId);
        if (seq < 0 || seq > _writer.LastSeq)
        {
            throw ChatException.BadRequest($"seq must be 0 to the chat's last seq ({_writer.LastSeq}).");
        }

        if (member.Raise(seq, read))
        {
            var receipt = member.Receipt();
            _receipts.Raise(userId, new StoredReceipt(member.JoinedAt, receipt.ReadSeq, receipt.DeliveredSeq));
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Takes the stored receipts into the members' state (rooms written before receipts had a state of their own keep
    /// theirs in the membership state, so the higher of both counts) and drops those of earlier memberships.
    /// </summary>
    private ReceiptWrites LoadReceipts()
    {
        var stored = receipts.State.Members;
        foreach (var (userId, receipt) in stored.ToArray())
        {
            if (Member(userId) is { } member && member.JoinedAt == receipt.JoinedAt)
            {
                member.Raise(receipt.ReadSeq, read: true);
                member.Raise(receipt.DeliveredSeq, read: false);
            }
            else
            {
                stored.Remove(userId);
            }
        }

        return new ReceiptWrites(stored, () => receipts.WriteStateAsync(), PublishReceipts, ReceiptRetryDelay, time, logger);
    }

    private void PublishReceipts(IReadOnlyList<(string UserId, StoredReceipt Receipt)> rises) =>
        Publish([.. rises.Select(r => new ReceiptChanged(ChatId, r.UserId, r.Receipt.ReadSeq, r.Receipt.DeliveredSeq))]);
}
