using OrleansChat.Persistence;

namespace OrleansChat.Grains;

/// <summary>
/// What a room knows of its members' reachability, so that the write loop picks push targets without calling a
/// user grain. Filled on activation and by the answers to <c>JoinChat</c>, kept current by the user grains' one-way
/// <c>MemberReachabilityChanged</c> calls, which may overtake each other (the higher version wins).
/// </summary>
internal sealed class MemberReachabilityCache
{
    private readonly Dictionary<string, MemberReachability> _members = [];

    /// <summary>Takes a member's reachability as the newest: it comes from the member's user grain in a call's answer.</summary>
    public void Set(MemberReachability reachability) => _members[reachability.UserId] = reachability;

    /// <summary>Takes a one-way update unless a newer one is known already.</summary>
    public void Update(MemberReachability reachability)
    {
        if (!_members.TryGetValue(reachability.UserId, out var known) || known.Version < reachability.Version)
        {
            _members[reachability.UserId] = reachability;
        }
    }

    public void Remove(string userId) => _members.Remove(userId);

    /// <summary>The devices of members other than the sender that have no connected device.</summary>
    public List<PushTarget> PushTargets(List<MemberState> members, string senderId)
    {
        var targets = new List<PushTarget>();
        foreach (var member in members)
        {
            if (member.UserId != senderId
                && _members.TryGetValue(member.UserId, out var r)
                && !r.Connected)
            {
                targets.AddRange(r.DeviceIds.Select(d => new PushTarget(member.UserId, d)));
            }
        }

        return targets;
    }
}
