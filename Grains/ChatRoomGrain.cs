using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansChat.Hosting;
using OrleansChat.Persistence;

namespace OrleansChat.Grains;

/// <summary>
/// The single writer of one chat. Sends interleave: each is checked and queued at once, and one write loop
/// stores the queue in batches (sends that arrive while a write is in flight form the next batch), assigns
/// seqs in commit order, answers each send after its commit and then fans the batch out once per gateway.
/// </summary>
public sealed partial class ChatRoomGrain(
    [PersistentState("room", ChatGrainStorage.Name)] IPersistentState<ChatRoomState> room,
    IMessageStore messages,
    IOptions<ChatOptions> options,
    ChatMetrics metrics,
    TimeProvider time,
    ILogger<ChatRoomGrain> logger) : Grain, IChatRoomGrain
{
    private readonly ChatOptions _options = options.Value;
    private readonly GatewayLeases _gateways = new(time);
    private readonly Dictionary<string, MemberReachability> _reachability = [];
    private TypingStates _typing = null!;
    private readonly List<PendingSend> _queue = [];
    private readonly MessageIds _ids = new();

    // The sends queued or being written, by sender and client message id: a repeat joins the first.
    private readonly Dictionary<(string SenderId, string ClientMsgId), PendingSend> _queued = [];
    private IdempotencyWindow _recent = null!;
    private bool _writing;
    private long _lastSeq;
    private long _version;

    private string ChatId => this.GetPrimaryKeyString();

    private ChatRoomState State => room.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _recent = new IdempotencyWindow(_options.IdempotencyCacheSize, _options.IdempotencyWindow, time);
        _typing = new TypingStates(time, _options.TypingTimeout, Protocol.TypingChangeInterval, Once, PublishTyping);
        await LoadLast(cancellationToken);
        foreach (var id in State.Gateways)
        {
            _gateways.Renew(GrainId.Parse(id), GrainFactory.GetGrain<IChatGatewayObserver>(GrainId.Parse(id)), _options.ObserverLease);
        }

        if (State.Exists)
        {
            var reachability = await Task.WhenAll(State.Members.Select(m => User(m.UserId).GetReachability()));
            foreach (var r in reachability)
            {
                _reachability[r.UserId] = r;
            }
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

        var now = Now();
        State.Exists = true;
        State.Type = ChatType.Group;
        State.Title = title;
        State.CreatedAt = now;
        State.Members = [new MemberState { UserId = ownerId, Role = ChatRole.Owner, JoinedAt = now }];
        State.Members.AddRange(members.Select(id => new MemberState { UserId = id, Role = ChatRole.Member, JoinedAt = now }));
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

        var now = Now();
        State.Exists = true;
        State.Type = ChatType.Direct;
        State.CreatedAt = now;
        State.Members =
        [
            new MemberState { UserId = userId, Role = ChatRole.Member, JoinedAt = now },
            new MemberState { UserId = peerId, Role = ChatRole.Member, JoinedAt = now },
        ];
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
        _reachability[userId] = await User(userId).JoinChat(new UserChat(ChatId, ChatType.Group, null), change);
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

        State.Members.Remove(target);
        if (target.Role == ChatRole.Owner && State.Members.Count > 0)
        {
            State.Members[0].Role = ChatRole.Owner;
        }

        await room.WriteStateAsync();
        _reachability.Remove(userId);

        var change = new MembershipChanged(MembershipChange.MemberRemoved, userId, Info(), NextVersion());
        Publish([change]);
        await User(userId).LeaveChat(change);
    }

    public Task<SendResult> Send(SendCommand command)
    {
        var result = Enqueue(command);
        StartWriting();
        return result;
    }

    public async Task<IReadOnlyList<SendOutcome>> SendBatch(IReadOnlyList<SendCommand> commands)
    {
        // All are queued before the write loop starts, so they share its first write.
        var pending = new Task<SendResult>[commands.Count];
        for (var i = 0; i < pending.Length; i++)
        {
            try
            {
                pending[i] = Enqueue(commands[i]);
            }
            catch (ChatException rejected)
            {
                pending[i] = Task.FromException<SendResult>(rejected);
            }
        }

        StartWriting();
        var outcomes = new SendOutcome[pending.Length];
        for (var i = 0; i < pending.Length; i++)
        {
            try
            {
                outcomes[i] = SendOutcome.Stored(await pending[i]);
            }
            catch (ChatException failed)
            {
                outcomes[i] = SendOutcome.Failed(failed);
            }
        }

        return outcomes;
    }

    /// <summary>Checks a send and queues it for the write loop; a repeat gets the first one's result.</summary>
    private Task<SendResult> Enqueue(SendCommand command)
    {
        RequireMember(command.SenderId);
        if (!Identifiers.IsValidClientMsgId(command.ClientMsgId))
        {
            throw ChatException.BadRequest($"clientMsgId must be 1 to {Identifiers.MaxClientMsgIdLength} characters.");
        }

        if (string.IsNullOrEmpty(command.Content))
        {
            throw ChatException.BadRequest("content must not be empty.");
        }

        if (!Protocol.IsWithinLength(command.Content, Protocol.MaxContentLength))
        {
            throw new ChatException(ChatErrorCode.TooLarge, $"content is longer than {Protocol.MaxContentLength} characters.");
        }

        if (_recent.TryGet(command.SenderId, command.ClientMsgId, out var known))
        {
            return Task.FromResult(known);
        }

        if (_queued.TryGetValue((command.SenderId, command.ClientMsgId), out var queued))
        {
            return queued.Completion.Task;
        }

        var pending = new PendingSend(command, new TaskCompletionSource<SendResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        _queue.Add(pending);
        _queued.Add((command.SenderId, command.ClientMsgId), pending);
        return pending.Completion.Task;
    }

    private void StartWriting()
    {
        if (!_writing && _queue.Count > 0)
        {
            _writing = true;
            _ = WriteQueue();
        }
    }

    public async Task<HistoryPage> GetHistory(string requesterId, HistoryQuery query)
    {
        RequireMember(requesterId);
        if (query.Limit is < 1 or > Protocol.MaxPageSize)
        {
            throw ChatException.BadRequest($"limit must be 1 to {Protocol.MaxPageSize}.");
        }

        var range = query.AfterSeq is { } after
            ? new MessageRange(after, query.BeforeSeq ?? long.MaxValue, query.Limit, FromNewest: false)
            : MessageRange.Before(query.BeforeSeq ?? long.MaxValue, query.Limit);
        var page = await ReadStore(() => messages.ReadAsync(ChatId, range));
        return new HistoryPage([.. page.Messages.Select(ToChatMessage)], page.HasMore, _lastSeq);
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
        if (seq < 0 || seq > _lastSeq)
        {
            throw ChatException.BadRequest($"seq must be 0 to the chat's last seq ({_lastSeq}).");
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

        if (_gateways.Renew(gateway, _options.ObserverLease))
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

        if (_gateways.Remove(gateway))
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
        else if (Member(reachability.UserId) is not null
            && (!_reachability.TryGetValue(reachability.UserId, out var known) || known.Version < reachability.Version))
        {
            _reachability[reachability.UserId] = reachability;
        }

        return Task.CompletedTask;
    }

    private void PublishTyping(string userId, bool typing) => Publish([new TypingChanged(ChatId, userId, typing, NextVersion())]);

    private IGrainTimer Once(Func<Task> callback, TimeSpan dueTime) => this.RegisterGrainTimer(
        static (callback, _) => callback(), callback, new GrainTimerCreationOptions(dueTime, Timeout.InfiniteTimeSpan));

    /// <summary>Stores the queue batch by batch until it is empty. Runs on the grain's scheduler, one at a time.</summary>
    private async Task WriteQueue()
    {
        try
        {
            while (_queue.Count > 0)
            {
                var batch = _queue.Take(_options.MaxBatchSize).ToArray();
                _queue.RemoveRange(0, batch.Length);
                await WriteBatch(batch);
            }
        }
        finally
        {
            _writing = false;
        }
    }

    private async Task WriteBatch(PendingSend[] batch)
    {
        var now = Now();
        var ids = _ids.NewBatch(now, batch.Length);
        var append = new ChatAppend(ChatId, _lastSeq, [.. batch.Select((p, i) => new NewMessage(
            ids[i],
            p.Command.SenderId,
            p.Command.ClientMsgId,
            p.Command.Content,
            now,
            PushTargets(p.Command.SenderId)))]);

        IReadOnlyList<AppendOutcome> outcomes;
        try
        {
            outcomes = await messages.AppendAsync(append);
        }
        catch (Exception ex)
        {
            LogAppendFailed(ex, ChatId, batch.Length);
            foreach (var p in batch)
            {
                _queued.Remove((p.Command.SenderId, p.Command.ClientMsgId));
                p.Completion.TrySetException(ChatException.Unavailable("The message was not stored; send it again."));
            }

            await ReloadLast();
            return;
        }

        var posted = new List<ChatEvent>(batch.Length);
        var pushRows = 0;
        for (var i = 0; i < batch.Length; i++)
        {
            var (stored, duplicate) = outcomes[i];
            var result = new SendResult(ChatId, stored.ClientMsgId, stored.MessageId, stored.Seq, stored.SentAt);
            if (!duplicate)
            {
                _lastSeq = Math.Max(_lastSeq, stored.Seq);
                posted.Add(new MessagePosted(ToChatMessage(stored)));
                pushRows += append.Messages[i].PushTargets.Count;
            }

            _recent.Remember(batch[i].Command.SenderId, result);
            _queued.Remove((batch[i].Command.SenderId, batch[i].Command.ClientMsgId));
            batch[i].Completion.TrySetResult(result);
        }

        if (posted.Count > 0)
        {
            metrics.MessagesStored(posted.Count, pushRows);
            Publish(posted);
        }
    }

    /// <summary>Where seqs and message ids go on from: the chat's last stored message.</summary>
    private async Task LoadLast(CancellationToken cancellationToken = default)
    {
        var last = await messages.GetLastAsync(ChatId, cancellationToken);
        _lastSeq = last?.Seq ?? 0;
        if (last is not null)
        {
            _ids.Follow(last.MessageId);
        }
    }

    private async Task ReloadLast()
    {
        try
        {
            await LoadLast();
        }
        catch (Exception ex)
        {
            // The next append starts from the old value; if another writer moved on, that append fails and reloads again.
            LogReloadFailed(ex, ChatId);
        }
    }

    /// <summary>The devices of members other than the sender that have no connected device.</summary>
    private List<PushTarget> PushTargets(string senderId)
    {
        var targets = new List<PushTarget>();
        foreach (var member in State.Members)
        {
            if (member.UserId != senderId
                && _reachability.TryGetValue(member.UserId, out var r)
                && !r.Connected)
            {
                targets.AddRange(r.DeviceIds.Select(d => new PushTarget(member.UserId, d)));
            }
        }

        return targets;
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
        var joined = await Task.WhenAll(joiners.Select(j => User(j.UserId).JoinChat(new UserChat(ChatId, info.Type, j.PeerId), created)));
        foreach (var r in joined)
        {
            _reachability[r.UserId] = r;
        }
    }

    private async Task<T> ReadStore<T>(Func<Task<T>> read)
    {
        try
        {
            return await read();
        }
        catch (Exception ex) when (ex is not ChatException)
        {
            LogReadFailed(ex, ChatId);
            throw ChatException.Unavailable("Message history is temporarily unavailable.");
        }
    }

    private ChatInfo GetChatFor(string requesterId)
    {
        RequireMember(requesterId);
        return Info();
    }

    private MemberState RequireMember(string userId)
    {
        if (!State.Exists)
        {
            ForgetUnknownChat();
            throw ChatException.NotFound($"No chat '{ChatId}'.");
        }

        return Member(userId) ?? throw ChatException.Forbidden($"'{userId}' is not a member of this chat.");
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

    private MemberState? Member(string userId) => State.Members.Find(m => m.UserId == userId);

    private ChatInfo Info() => new(
        ChatId,
        State.Type,
        State.Title,
        State.Members.Find(m => m.Role == ChatRole.Owner)?.UserId,
        [.. State.Members.Select(m => new ChatMember(m.UserId, m.Role, m.JoinedAt))],
        State.CreatedAt,
        _lastSeq);

    private List<string> GatewayIds() => [.. _gateways.Ids.Select(id => id.ToString())];

    private static ChatMessage ToChatMessage(StoredMessage m) =>
        new(m.ChatId, m.Seq, m.MessageId, m.SenderId, m.Content, m.SentAt, m.ClientMsgId);

    private IUserGrain User(string userId) => GrainFactory.GetGrain<IUserGrain>(userId);

    /// <summary>Orders the room's typing and membership events; clock-based so it keeps rising across activations.</summary>
    private long NextVersion() => _version = Math.Max(_version + 1, time.GetUtcNow().UtcTicks);

    /// <summary>Now, to the millisecond: what clients see and what the store keeps are the same instant.</summary>
    private DateTimeOffset Now()
    {
        var now = time.GetUtcNow();
        return new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Appending {Count} message(s) to chat {ChatId} failed; the senders were told to retry")]
    private partial void LogAppendFailed(Exception exception, string chatId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reloading the last seq of chat {ChatId} failed")]
    private partial void LogReloadFailed(Exception exception, string chatId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the history of chat {ChatId} failed")]
    private partial void LogReadFailed(Exception exception, string chatId);

    private sealed record PendingSend(SendCommand Command, TaskCompletionSource<SendResult> Completion);
}
