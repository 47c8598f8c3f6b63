namespace OrleansChat.Grains.Tests;

/// <summary>A chat event as a gateway received it.</summary>
public sealed record ReceivedChatEvent(string ChatId, ChatEvent Event);

/// <summary>A membership change a user grain told a gateway holding one of that user's sessions.</summary>
public sealed record ReceivedMembershipChange(string UserId, MembershipChanged Change);

/// <summary>
/// Stands in for a gateway process: an observer that records what rooms and users send it, so tests await
/// events (with a time limit) instead of sleeping. Grains notify gateways with one-way calls that Orleans may
/// deliver out of order (observed in this suite for presence and membership changes), so tests compare what
/// arrived, not in which order, and prove an absence by awaiting a later marker event as well.
/// </summary>
public sealed class TestGateway : IChatGatewayObserver, IDisposable
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private readonly List<object> _received = [];
    private readonly List<(Func<bool> IsDone, TaskCompletionSource Done)> _waiters = [];
    private readonly IGrainFactory _grains;

    public TestGateway(IGrainFactory grains)
    {
        _grains = grains;
        Reference = grains.CreateObjectReference<IChatGatewayObserver>(this);
    }

    /// <summary>The reference grains call back on.</summary>
    public IChatGatewayObserver Reference { get; }

    public Task OnChatEvents(string chatId, IReadOnlyList<ChatEvent> events) =>
        Record(events.Select(e => new ReceivedChatEvent(chatId, e)));

    public Task OnMembershipChanged(string userId, MembershipChanged change) =>
        Record([new ReceivedMembershipChange(userId, change)]);

    public Task OnPresenceChanged(Presence presence) => Record([presence]);

    /// <summary>The events of type <typeparamref name="T"/> of one chat received so far, in arrival order.</summary>
    public IReadOnlyList<T> ChatEvents<T>(string chatId)
        where T : ChatEvent
    {
        lock (_gate)
        {
            return [.. _received.OfType<ReceivedChatEvent>().Where(r => r.ChatId == chatId).Select(r => r.Event).OfType<T>()];
        }
    }

    public IReadOnlyList<MembershipChanged> MembershipChanges(string userId)
    {
        lock (_gate)
        {
            return [.. _received.OfType<ReceivedMembershipChange>().Where(r => r.UserId == userId).Select(r => r.Change)];
        }
    }

    public IReadOnlyList<Presence> PresenceChanges(string userId)
    {
        lock (_gate)
        {
            return [.. _received.OfType<Presence>().Where(p => p.UserId == userId)];
        }
    }

    public Task<IReadOnlyList<T>> WaitForChatEventsAsync<T>(string chatId, Func<IReadOnlyList<T>, bool> until)
        where T : ChatEvent =>
        WaitUntilAsync(() => ChatEvents<T>(chatId), until);

    public Task<IReadOnlyList<T>> WaitForChatEventsAsync<T>(string chatId, int count)
        where T : ChatEvent =>
        WaitForChatEventsAsync<T>(chatId, events => events.Count >= count);

    public Task<IReadOnlyList<MembershipChanged>> WaitForMembershipChangesAsync(string userId, int count) =>
        WaitUntilAsync(() => MembershipChanges(userId), changes => changes.Count >= count);

    public Task<IReadOnlyList<Presence>> WaitForPresenceChangesAsync(string userId, int count) =>
        WaitUntilAsync(() => PresenceChanges(userId), changes => changes.Count >= count);

    public void Dispose() => _grains.DeleteObjectReference<IChatGatewayObserver>(Reference);

    private async Task<IReadOnlyList<T>> WaitUntilAsync<T>(Func<IReadOnlyList<T>> read, Func<IReadOnlyList<T>, bool> until)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (until(read()))
            {
                return read();
            }

            _waiters.Add((() => until(read()), done));
        }

        try
        {
            await done.Task.WaitAsync(WaitLimit, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            string received;
            lock (_gate)
            {
                received = string.Join(Environment.NewLine, _received);
            }

            throw new TimeoutException($"The awaited events did not arrive within {WaitLimit}. Received:{Environment.NewLine}{received}");
        }

        return read();
    }

    private Task Record(IEnumerable<object> items)
    {
        lock (_gate)
        {
            _received.AddRange(items);
            _waiters.RemoveAll(w =>
            {
                if (!w.IsDone())
                {
                    return false;
                }

                w.Done.TrySetResult();
                return true;
            });
        }

        return Task.CompletedTask;
    }
}
