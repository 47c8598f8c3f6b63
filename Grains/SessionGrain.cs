namespace OrleansChat.Grains;

/// <summary>
/// One connected device. The gateway holding its socket sends a heartbeat every interval; after two intervals
/// without one the session ends and the user hears of it. Kept in memory only: a heartbeat to a reactivated
/// session carries what it needs to pick up again.
/// </summary>
public sealed class SessionGrain(TimeProvider time) : Grain, ISessionGrain
{
    /// <summary>The user's own lease on the session outlives ours, so that it only matters when this grain is lost.</summary>
    private const int UserLeaseIntervals = 3;

    private SessionInfo? _session;
    private DateTimeOffset _lastHeartbeat;
    private IGrainTimer? _expiry;

    private string SessionId => this.GetPrimaryKeyString();

    public Task<IReadOnlyList<UserChat>> Open(SessionInfo session)
    {
        Beat(session);
        return User(session).SessionOpened(SessionId, session.Gateway, UserLease(session));
    }

    public Task Heartbeat(SessionInfo session)
    {
        Beat(session);
        return User(session).SessionAlive(SessionId, session.Gateway, UserLease(session));
    }

    private void Beat(SessionInfo session)
    {
        _session = session;
        _lastHeartbeat = time.GetUtcNow();
        _expiry ??= this.RegisterGrainTimer(CheckExpiry, new GrainTimerCreationOptions(session.HeartbeatInterval, session.HeartbeatInterval));
    }

    private static TimeSpan UserLease(SessionInfo session) => session.HeartbeatInterval * UserLeaseIntervals;

    public async Task Close()
    {
        if (_session is { } session)
        {
            await End(session);
        }
    }

    private async Task CheckExpiry(CancellationToken cancellationToken)
    {
        if (_session is { } session && time.GetUtcNow() - _lastHeartbeat >= session.HeartbeatInterval * 2)
        {
            await End(session);
        }
    }

    private async Task End(SessionInfo session)
    {
        _session = null;
        _expiry?.Dispose();
        _expiry = null;
        await User(session).SessionEnded(SessionId);
        DeactivateOnIdle();
    }

    private IUserGrain User(SessionInfo session) => GrainFactory.GetGrain<IUserGrain>(session.UserId);
}
