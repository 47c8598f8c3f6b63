namespace OrleansChat.Grains;

/// <summary>
/// The room's membership: creating the chat, adding and removing members (each writes the state, then tells the
/// members' user grains and the gateways; none interleaves), the blocks that refuse some of them (PROTOCOL.md 6.5),
/// and the check every other call starts with.
/// </summary>
public sealed partial class ChatRoomGrain
{
    public async Task<ChatInfo> CreateGroup(string ownerId, string? title, IReadOnlyList<string> memberIds)
    {
        if (State.Exists)
        {
            throw ChatException.Conflict($"Chat '{ChatId}' already exists.");
        }

        if (title is { } t && !ProtocolLimits.IsWithinLength(t, _options.MaxTitleLength))
        {
            throw NotCreated(ChatException.BadRequest($"The title is longer than {_options.MaxTitleLength} characters."));
        }

        var members = memberIds.Where(id => id != ownerId).Distinct(StringComparer.Ordinal).ToList();
        if (members.Any(id => !Identifiers.IsValidUserId(id)) || !Identifiers.IsValidUserId(ownerId))
        {
            throw NotCreated(ChatException.BadRequest("Member ids must be valid user ids."));
        }

        if (members.Count + 1 > _options.MaxGroupMembers)
        {
            throw NotCreated(ChatException.BadRequest($"A group has at most {_options.MaxGroupMembers} members."));
        }

        if ((await Task.WhenAll(members.Select(id => User(id).Blocks(ownerId)))).Any(blocks => blocks))
        {
            throw NotCreated(NotAllowed());
        }

        State.Create(ChatType.Group, title, Now(), [(ownerId, ChatRole.Owner), .. members.Select(id => (id, ChatRole.Member))]);
        State.Gateways = GatewayIds();
        await room.WriteStateAsync();

        var info = Info();
        await JoinAll(State.Members.Select(m => (m.UserId, (string?)null)), ownerId, info);
        return info;
    }

    public async Task<DirectChat> OpenDirect(string userId, string peerId)
    {
        if (userId == peerId)
        {
            throw NotCreated(ChatException.BadRequest("A direct chat needs two different users."));
        }

        if (Identifiers.DirectChatId(userId, peerId) != ChatId)
        {
            throw NotCreated(ChatException.BadRequest("This is not the direct chat of these users."));
        }

        if (State.Exists)
        {
            var chat = GetChatFor(userId);
            return _reachability.Blocks(peerId, userId) ? throw NotAllowed() : new DirectChat(chat, Created: false);
        }

        if (await User(peerId).Blocks(userId))
        {
            throw NotCreated(NotAllowed());
        }

        State.Create(ChatType.Direct, null, Now(), [(userId, ChatRole.Member), (peerId, ChatRole.Member)]);
        State.Gateways = GatewayIds();
        await room.WriteStateAsync();

        var info = Info();
        await JoinAll([(userId, peerId), (peerId, userId)], userId, info);
        return new DirectChat(info, Created: true);
    }

    public async Task<ChatInfo> AddMember(string actorId, string userId)
    {
        RequireMember(actorId);
        if (State.Type != ChatType.Group)
        {
            throw ChatException.Forbidden("Direct chats have exactly two members.");
        }

        if (!Identifiers.IsValidUserId(userId))
        {
            throw ChatException.BadRequest("The user id is not valid.");
        }

        if (Member(userId) is not null)
        {
            return Info();
        }

        if (State.Members.Count >= _options.MaxGroupMembers)
        {
            throw ChatException.BadRequest($"A group has at most {_options.MaxGroupMembers} members.");
        }

        if (await User(userId).Blocks(actorId))
        {
            throw NotAllowed();
        }

        State.Members.Add(new MemberState { UserId = userId, Role = ChatRole.Member, JoinedAt = Now() });
        await room.WriteStateAsync();

        var info = Info();
        var change = new MembershipChanged(MembershipChange.MemberAdded, userId, info, NextVersion());
        Publish([change]);
        _reachability.Set(await User(userId).JoinChat(new UserChat(ChatId, ChatType.Group, null), change));
        return info;
    }

    public async Task RemoveMember(string actorId, string userId)
    {
        var actor = RequireMember(actorId);
        if (State.Type != ChatType.Group)
        {
            throw ChatException.Forbidden("Members cannot leave or be removed from a direct chat.");
        }

        var target = Member(userId) ?? throw ChatException.NotFound($"'{userId}' is not a member of this chat.");
        if (actorId != userId && actor.Role != ChatRole.Owner)
        {
            throw ChatException.Forbidden("Only the owner removes other members.");
        }

        State.Remove(target);
        await room.WriteStateAsync();
        _reachability.Remove(userId);

        var change = new MembershipChanged(MembershipChange.MemberRemoved, userId, Info(), NextVersion());
        Publish([change]);
        await User(userId).LeaveChat(change);
    }

    /// <summary>Adds the new chat to each member's list; the <c>created</c> event names the user who created it.</summary>
    private async Task JoinAll(IEnumerable<(string UserId, string? PeerId)> joiners, string creatorId, ChatInfo info)
    {
        var created = new MembershipChanged(MembershipChange.Created, creatorId, info, NextVersion());
        SetReachability(await Task.WhenAll(joiners.Select(j => User(j.UserId).JoinChat(new UserChat(ChatId, info.Type, j.PeerId), created))));
    }

    private void SetReachability(MemberReachability[] members)
    {
        foreach (var r in members)
        {
            _reachability.Set(r);
        }
    }

    /// <summary>A create that fails its checks leaves no room behind: the id it came with names no chat.</summary>
    private ChatException NotCreated(ChatException rejection)
    {
        if (!State.Exists)
        {
            ForgetUnknownChat();
        }

        return rejection;
    }

    private const string NotAllowedMessage = "Not allowed.";

    /// <summary>
    /// A direct chat takes no sends from a user the other member blocked (PROTOCOL.md 6.5). The answer is the one any
    /// refusal gets, so that it tells the blocked user no more than that they may not.
    /// </summary>
    private RuleViolation? BlockedByPeer(string senderId) =>
        State.Type == ChatType.Direct && _reachability.Blocks(PeerOf(senderId), senderId)
            ? new RuleViolation(ChatErrorCode.Forbidden, NotAllowedMessage)
            : null;

    private string PeerOf(string userId) => State.Members[0].UserId == userId ? State.Members[1].UserId : State.Members[0].UserId;

    private static ChatException NotAllowed() => ChatException.Forbidden(NotAllowedMessage);

    private MemberState RequireMember(string userId) => Membership(userId, out var refused) ?? throw refused!.ToException();

    /// <summary>The member, or null and why: the chat does not exist, or the user is not in it.</summary>
    private MemberState? Membership(string userId, out RuleViolation? refused)
    {
        if (!State.Exists)
        {
            ForgetUnknownChat();
            refused = new RuleViolation(ChatErrorCode.NotFound, $"No chat '{ChatId}'.");
            return null;
        }

        var member = Member(userId);
        refused = member is null ? new RuleViolation(ChatErrorCode.Forbidden, $"'{userId}' is not a member of this chat.") : null;
        return member;
    }

    /// <summary>
    /// Any well-formed id activates a room, so one that names no chat leaves as soon as it has answered, instead of
    /// staying for the collection age: otherwise any user could make the cluster hold a room per id they invent.
    /// Creating a chat does not pass here, so the room that is about to be created stays.
    /// </summary>
    private void ForgetUnknownChat() => DeactivateOnIdle();

    private MemberState? Member(string userId) => State.Member(userId);
}
