using Microsoft.Extensions.Logging;

namespace OrleansChat.Grains;

/// <summary>
/// A room's receipts as stored, apart from its membership: what every report of a busy group writes, so that those
/// writes can be coalesced without touching the state that membership changes write.
/// </summary>
[GenerateSerializer]
[Alias("chat.RoomReceiptsState")]
public sealed class RoomReceiptsState
{
    /// <summary>By user id: the member's seqs for the membership that began at <see cref="StoredReceipt.JoinedAt"/>.</summary>
    [Id(0)]
    public Dictionary<string, StoredReceipt> Members { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>One member's read and delivered seqs, tied to their join so that a later membership starts from 0.</summary>
[GenerateSerializer, Immutable]
[Alias("chat.StoredReceipt")]
public sealed record StoredReceipt(
    [property: Id(0)] DateTimeOffset JoinedAt,
    [property: Id(1)] long ReadSeq,
    [property: Id(2)] long DeliveredSeq);

/// <summary>
/// Writes a room's receipts: every rise reported while a write is in flight goes into the next one, so a group whose
/// members all report each message costs a write per round trip to storage, not a write per member. Each rise is
/// still published (<paramref name="written"/>), in the order reported, but only once the write that holds it has
/// succeeded; a failed write is tried again after <paramref name="retryDelay"/> with everything that rose meanwhile.
/// </summary>
/// <remarks>
/// The stored dictionary changes only between writes, on the grain's scheduler: a storage provider that serializes
/// the state on another thread after its first await never sees it change under it.
/// </remarks>
internal sealed partial class ReceiptWrites(
    IDictionary<string, StoredReceipt> stored,
    Func<Task> write,
    Action<IReadOnlyList<(string UserId, StoredReceipt Receipt)>> written,
    TimeSpan retryDelay,
    TimeProvider time,
    ILogger logger)
{
    // The latest seqs of each user to write, and every rise in the order reported, to publish once written.
    private Dictionary<string, StoredReceipt> _pending = new(StringComparer.Ordinal);
    private List<(string UserId, StoredReceipt Receipt)> _rises = [];
    private Task _loop = Task.CompletedTask;
    private bool _writing;

    /// <summary>Queues a member's new seqs for the next write and starts one unless one runs.</summary>
    public void Raise(string userId, StoredReceipt receipt)
    {
        _pending[userId] = receipt;
        _rises.Add((userId, receipt));
        if (!_writing)
        {
            _writing = true;
            _loop = WriteLoop();
        }
    }

    /// <summary>Completes when everything raised so far is stored and published.</summary>
    public Task FlushAsync() => _loop;

    private async Task WriteLoop()
    {
        try
        {
            while (_pending.Count > 0)
            {
                var batch = _pending;
                var rises = _rises;
                _pending = new(StringComparer.Ordinal);
                _rises = [];
                foreach (var (userId, receipt) in batch)
                {
                    stored[userId] = receipt;
                }

                try
                {
                    await write();
                }
                catch (Exception ex)
                {
                    LogWriteFailed(logger, ex, batch.Count);
                    foreach (var (userId, receipt) in batch)
                    {
                        _pending.TryAdd(userId, receipt);
                    }

                    rises.AddRange(_rises);
                    _rises = rises;
                    await Task.Delay(retryDelay, time);
                    continue;
                }

                written(rises);
            }
        }
        finally
        {
            _writing = false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storing {Count} receipt(s) failed; trying again")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, int count);
}
