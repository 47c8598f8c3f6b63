namespace OrleansChat;

/// <summary>Where a session is: its user and the gateway holding its socket.</summary>
[GenerateSerializer, Immutable]
[Alias("chat.SessionInfo")]
public sealed record SessionInfo(
    [property: Id(0)] string UserId,
    [property: Id(1)] IChatGatewayObserver Gateway,
    [property: Id(2)] TimeSpan HeartbeatInterval);

/// <summary>
/// One connected device, keyed by session id: which gateway holds it, its heartbeats and its expiry
/// (2 x the heartbeat interval without one ends it).
/// </summary>
[Alias("chat.ISessionGrain")]
public interface ISessionGrain : IGrainWithStringKey
{
    /// <summary>Starts the session and returns the user's chats.</summary>
    [Alias("Open")]
    Task<IReadOnlyList<UserChat>> Open(SessionInfo session);

    /// <summary>The device is still connected. Carries the session so a reactivated grain picks it up again.</summary>
    [Alias("Heartbeat")]
    Task Heartbeat(SessionInfo session);

    [Alias("Close")]
    Task Close();
}
