using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansChat.Persistence;

namespace OrleansChat.Grains;

/// <summary>
/// The single writer of one chat (DESIGN.md 4): membership, sends, history, typing, receipts and fan-out. Sends
/// interleave: each is checked here and queued in the <see cref="RoomWriter"/>, whose loop stores the queue in
/// batches and answers each send after its commit; the room then fans the batch out once per gateway.
/// </summary>
/// <remarks>
/// No interleaving method writes state: the <c>[AlwaysInterleave]</c> ones (reads, sends) and the write loop touch
/// the message store and memory only, so two <c>WriteStateAsync</c> calls never overlap.
/// </remarks>
public sealed partial class ChatRoomGrain(
    [PersistentState("room", "chat")] IPersistentState<ChatRoomState> room,
    IMessageStore messages,
    IOptions<ChatOptions> options,
    ChatMetrics metrics,
    TimeProvider time,
    ILogger<ChatRoomGrain> logger) : Grain, IChatRoomGrain
{
    private readonly ChatOptions _options = options.Value;
    private readonly GatewayLeases<GrainId> _gateways = new(time);
    private readonly MemberReachabilityCache _reachability = new();
    private TypingStates _typing = null!;
    private RoomWriter _writer = null!;
    private long _version;

    private string ChatId => this.GetPrimaryKeyString();

    private ChatRoomState State => room.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _typing = new TypingStates(time, _options.TypingTimeout, Protocol.TypingChangeInterval, Once, PublishTyping);
        _writer = new RoomWriter(ChatId, messages, _options, time, PushTargets, MessagesStored, logger);
        await _writer.LoadLastAsync(cancellationToken);
        foreach (var id in State.Gateways.Select(GrainId.Parse))
        {
            _gateways.Renew(id, GrainFactory.GetGrain<IChatGatewayObserver>(id), _options.ObserverLease);
        }

        if (State.Exists)
        {
            SetReachability(await Task.WhenAll(State.Members.Select(m => User(m.UserId).GetReachability())));
        }
    }

    public async Task<ChatInfo> CreateGroup(string ownerId, string? title, IReadOnlyList<string> memberIds)
    {
        if (State.Exists)
        {
            throw ChatException.Conflict($"Chat '{ChatId}' already exists.");
        }

        if (title is { } t && !Protocol.IsWithinLength(t, _options.MaxTitleLength))
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
            return new DirectChat(GetChatFor(userId), Created: false);
        }

        State.Create(ChatType.Direct, null, Now(), [(userId, ChatRole.Member), (peerId, ChatRole.Member)]);
        State.Gateways = GatewayIds();
        await room.WriteStateAsync();

        var info = Info();
        await JoinAll([(userId, peerId), (peerId, userId)], userId, info);
        return new DirectChat(info, Created: true);
    }

    public Task<ChatInfo> GetChat(string requesterId) => Task.FromResult(GetChatFor(requesterId));

    public Task<ChatSummary> GetSummary(string requesterId)
    {
        var info = GetChatFor(requesterId);
        return Task.FromResult(new ChatSummary(info, Member(requesterId)!.ReadSeq));
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

    public Task<SendResult> Send(SendCommand command)
    {
        if (Refusal(command) is { } refused)
        {
            throw refused.ToException();
        }

        var result = _writer.Enqueue(command);
        _writer.StartWriting();
        return result;
    }

    public async Task<IReadOnlyList<SendOutcome>> SendBatch(IReadOnlyList<SendCommand> commands)
    {
        // All are queued before the write loop starts, so they share its first write.
        var outcomes = new SendOutcome[commands.Count];
        var pending = new Task<SendResult>?[commands.Count];
        for (var i = 0; i < pending.Length; i++)
        {
            if (Refusal(commands[i]) is { } refused)
            {
                outcomes[i] = SendOutcome.Failed(refused);
            }
            else
            {
                pending[i] = _writer.Enqueue(commands[i]);
            }
        }

        _writer.StartWriting();
        for (var i = 0; i < pending.Length; i++)
        {
            if (pending[i] is not { } stored)
            {
                continue;
            }

            try
            {
                outcomes[i] = SendOutcome.Stored(await stored);
            }
            catch (ChatException failed)
            {
                // The store failed (the writer's only fault): the send is answered, not the batch.
                outcomes[i] = SendOutcome.Failed(failed.Code, failed.Message);
            }
        }

        return outcomes;
    }

    /// <summary>Why the room does not take this send: the sender's membership, then its shape; null when it does.</summary>
    private RuleViolation? Refusal(SendCommand command) =>
        Membership(command.SenderId, out var refused) is null ? refused : SendRules.Check(command.ClientMsgId, command.Content);

    public async Task<HistoryPage> GetHistory(string requesterId, HistoryQuery query)
    {
        RequireMember(requesterId);
        if (query.Limit is < 1 or > Protocol.MaxPageSize)
        {
            throw ChatException.BadRequest($"limit must be 1 to {Protocol.MaxPageSize}.");
        }

        var range = query.AfterSeq is { } after
            ? MessageRange.After(after, query.Limit) with { BeforeSeq = query.BeforeSeq ?? long.MaxValue }
            : MessageRange.Before(query.BeforeSeq ?? long.MaxValue, query.Limit);
        MessagePage page;
        try
        {
            page = await messages.ReadAsync(ChatId, range);
        }
        catch (Exception ex) when (ex is not ChatException)
        {
            LogReadFailed(ex, ChatId);
            throw ChatException.Unavailable("Message history is temporarily unavailable.");
        }

        return new HistoryPage([.. page.Messages.Select(RoomWriter.ToChatMessage)], page.HasMore, _writer.LastSeq);
    }

    public Task SetTyping(string userId, bool typing)
    {
        RequireMember(userId);
        _typing.Set(userId, typing);
        return Task.CompletedTask;
    }

    public async Task MarkRead(string userId, long seq)
    {
        var member = RequireMember(userId);
        if (seq < 0 || seq > _writer.LastSeq)
        {
            throw ChatException.BadRequest($"seq must be 0 to the chat's last seq ({_writer.LastSeq}).");
        }

        if (seq <= member.ReadSeq)
        {
            return;
        }

        member.ReadSeq = seq;
        await room.WriteStateAsync();
        Publish([new ReadReceipt(ChatId, userId, seq)]);
    }

    public async Task<TimeSpan> Subscribe(IChatGatewayObserver gateway)
    {
        if (!State.Exists)
        {
            // Nothing can happen here until the chat is created, and creating it tells every member's gateway anew.
            ForgetUnknownChat();
            return _options.ObserverLease;
        }

        // The gateway ids live in state so that a room reactivated elsewhere delivers at once, without waiting for
        // the next renewal. The price: a state write per new subscription, so a restarted gateway costs each of its
        // rooms one write (one per lease length and room after that is free: a renewal writes nothing).
        if (_gateways.Renew(gateway.GetGrainId(), gateway, _options.ObserverLease))
        {
            State.Gateways = GatewayIds();
            await room.WriteStateAsync();
        }

        return _options.ObserverLease;
    }

    public async Task Unsubscribe(IChatGatewayObserver gateway)
    {
        if (!State.Exists)
        {
            ForgetUnknownChat();
            return;
        }

        if (_gateways.Remove(gateway.GetGrainId()))
        {
            State.Gateways = GatewayIds();
            await room.WriteStateAsync();
        }
    }

    public Task MemberReachabilityChanged(MemberReachability reachability)
    {
        if (!State.Exists)
        {
            ForgetUnknownChat();
        }
        else if (Member(reachability.UserId) is not null)
        {
            _reachability.Update(reachability);
        }

        return Task.CompletedTask;
    }

    private void PublishTyping(string userId, bool typing) => Publish([new TypingChanged(ChatId, userId, typing, NextVersion())]);

    private IGrainTimer Once(Func<Task> callback, TimeSpan dueTime) => this.RegisterGrainTimer(
        static (callback, _) => callback(), callback, new GrainTimerCreationOptions(dueTime, Timeout.InfiniteTimeSpan));

    private List<PushTarget> PushTargets(string senderId) => _reachability.PushTargets(State.Members, senderId);

    private void MessagesStored(IReadOnlyList<ChatEvent> posted, int pushRows)
    {
        metrics.MessagesStored(posted.Count, pushRows);
        Publish(posted);
    }

    /// <summary>Sends the events once to each gateway holding a lease, one way.</summary>
    private void Publish(IReadOnlyList<ChatEvent> events)
    {
        foreach (var gateway in _gateways.Live())
        {
            _ = gateway.OnChatEvents(ChatId, events);
        }
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

    private ChatInfo GetChatFor(string requesterId)
    {
        RequireMember(requesterId);
        return Info();
    }

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

    /// <summary>A create that fails its checks leaves no room behind: the id it came with names no chat.</summary>
    private ChatException NotCreated(ChatException rejection)
    {
        if (!State.Exists)
        {
            ForgetUnknownChat();
        }

        return rejection;
    }

    private MemberState? Member(string userId) => State.Member(userId);

    private ChatInfo Info() => State.Info(ChatId, _writer.LastSeq);

    private List<string> GatewayIds() => [.. _gateways.Keys.Select(id => id.ToString())];

    private IUserGrain User(string userId) => GrainFactory.GetGrain<IUserGrain>(userId);

    /// <summary>Orders the room's typing and membership events; clock-based so it keeps rising across activations.</summary>
    private long NextVersion() => _version = Math.Max(_version + 1, time.GetUtcNow().UtcTicks);

    private DateTimeOffset Now() => time.UtcNowToTheMillisecond();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the history of chat {ChatId} failed")]
    private partial void LogReadFailed(Exception exception, string chatId);
}
