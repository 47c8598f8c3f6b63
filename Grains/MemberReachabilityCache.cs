using OrleansChat.Persistence;

namespace OrleansChat.Grains;

/// <summary>
/// What a room knows of its members' reachability, settings and blocks, so that the write loop picks push targets,
/// and the room judges a direct chat's sends, without calling a user grain. Filled on activation and by the answers
/// to <c>JoinChat</c>, kept current by the user grains' <c>MemberReachabilityChanged</c> and
/// <c>MemberSettingsChanged</c> calls, which may overtake each other (the higher version wins).
/// </summary>
internal sealed class MemberReachabilityCache
{
    private readonly Dictionary<string, Member> _members = [];

    /// <summary>Takes a member's reachability as the newest: it comes from the member's user grain in a call's answer.</summary>
    public void Set(MemberReachability reachability) => _members[reachability.UserId] = new Member(reachability);

    /// <summary>Takes an update unless a newer one is known already.</summary>
    public void Update(MemberReachability reachability)
    {
        if (!_members.TryGetValue(reachability.UserId, out var known) || known.Reachability.Version < reachability.Version)
        {
            _members[reachability.UserId] = new Member(reachability);
        }
    }

    public void Remove(string userId) => _members.Remove(userId);

    /// <summary>Whether <paramref name="blockerId"/> blocked <paramref name="userId"/>, as the blocker's user grain last said.</summary>
    public bool Blocks(string blockerId, string userId) => _members.TryGetValue(blockerId, out var blocker) && blocker.Blocks(userId);

    /// <summary>
    /// The devices to notify of a message from <paramref name="senderId"/> that mentions <paramref name="mentions"/>: those
    /// of the members other than the sender that have no connected device, unless they blocked the sender, or muted the
    /// chat at <paramref name="now"/> and are not mentioned. A mention passes a mute, never a block.
    /// </summary>
    public List<PushTarget> PushTargets(List<MemberState> members, string senderId, IReadOnlyCollection<string> mentions, DateTimeOffset now)
    {
        var targets = new List<PushTarget>();
        foreach (var member in members)
        {
            if (member.UserId != senderId
                && _members.TryGetValue(member.UserId, out var m)
                && m.WantsPush(senderId, mentions, now))
            {
                targets.AddRange(m.Reachability.DeviceIds.Select(d => new PushTarget(member.UserId, d)));
            }
        }

        return targets;
    }

    /// <summary>One member's reachability, with their blocked users as a set when there are any.</summary>
    private sealed class Member(MemberReachability reachability)
    {
        private readonly HashSet<string>? _blocked = reachability.BlockedUserIds.Count == 0
            ? null
            : new HashSet<string>(reachability.BlockedUserIds, StringComparer.Ordinal);

        public MemberReachability Reachability => reachability;

        public bool Blocks(string userId) => _blocked?.Contains(userId) == true;

        public bool WantsPush(string senderId, IReadOnlyCollection<string> mentions, DateTimeOffset now) =>
            !reachability.Connected
            && reachability.DeviceIds.Count > 0
            && !Blocks(senderId)
            && (!reachability.Settings.IsMutedAt(now) || mentions.Contains(reachability.UserId));
    }
}
