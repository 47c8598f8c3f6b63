using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansChat.Grains.Assistant;
using OrleansChat.Hosting;
using OrleansChat.Persistence;

namespace OrleansChat.Grains;

/// <summary>
/// One chat, its single writer (DESIGN.md 4). This file holds activation, reads, sends, typing, receipts,
/// subscriptions and fan-out; the parts live beside it: membership in ChatRoomGrain.Membership.cs, the
/// write path of sends (queue, idempotency window, seqs and ids, batch writes) in <see cref="RoomWriter"/>, what
/// push needs to know of members in <see cref="MemberReachabilityCache"/>, typing in <see cref="TypingStates"/>.
/// </summary>
/// <remarks>
/// No interleaving method writes state: the <c>[AlwaysInterleave]</c> ones (reads and sends) and the write loop touch
/// memory and the message store only, and the methods that write the state run one at a time, so two
/// <c>WriteStateAsync</c> calls never overlap. Receipts are a state of their own with a write loop of their own
/// (ChatRoomGrain.Receipts.cs), which membership never writes.
/// </remarks>
public sealed partial class ChatRoomGrain(
    [PersistentState("room", ChatGrainStorage.Name)] IPersistentState<ChatRoomState> room,
    [PersistentState("receipts", ChatGrainStorage.Name)] IPersistentState<RoomReceiptsState> receipts,
    IMessageStore messages,
    IOptions<ChatOptions> options,
    IOptions<AssistantOptions> assistantOptions,
    ChatMetrics metrics,
    TimeProvider time,
    ILogger<ChatRoomGrain> logger) : Grain, IChatRoomGrain
{
    private readonly ChatOptions _options = options.Value;
    private readonly GatewayLeases<GrainId> _gateways = new(time);
    private readonly MemberReachabilityCache _reachability = new();
    private TypingStates _typing = null!;
    private RoomWriter _writer = null!;
    private RoomAssistant _assistant = null!;
    private ReceiptWrites _receipts = null!;
    private long _version;

    private string ChatId => this.GetPrimaryKeyString();

    private ChatRoomState State => room.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _typing = new TypingStates(time, _options.TypingTimeout, ProtocolLimits.TypingChangeInterval, Once, PublishTyping);
        var assistantId = assistantOptions.Value.UserId;
        _assistant = new RoomAssistant(assistantId, () => Member(assistantId) is not null, () => State.Type == ChatType.Direct, GrainFactory, logger);
        _writer = new RoomWriter(ChatId, messages, _options, time, PushTargets, MentionsOf, OwnsGroup, MessagesStored, logger) { Assistant = _assistant };
        _receipts = LoadReceipts();
        await _writer.LoadLastAsync(cancellationToken);
        foreach (var id in State.Gateways.Select(GrainId.Parse))
        {
            _gateways.Renew(id, GrainFactory.GetGrain<IChatGatewayObserver>(id), _options.ObserverLease);
        }

        if (State.Exists)
        {
            SetReachability(await Task.WhenAll(State.Members.Select(m => User(m.UserId).GetReachability(ChatId))));
        }
    }

    public Task<ChatInfo> GetChat(string requesterId) => Task.FromResult(GetChatFor(requesterId));

    public Task<ChatDetails> GetDetails(string requesterId)
    {
        var info = GetChatFor(requesterId);
        return Task.FromResult(new ChatDetails(info, [.. State.Members.Select(m => m.Receipt())]));
    }

    public Task<ChatSummary> GetSummary(string requesterId)
    {
        var info = GetChatFor(requesterId);
        return Task.FromResult(new ChatSummary(info, Member(requesterId)!.ReadSeq));
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
                // The store failed, or the change's target broke PROTOCOL.md 6.1: the send is answered, not the batch.
                outcomes[i] = SendOutcome.Failed(failed.Code, failed.Message);
            }
        }

        return outcomes;
    }

    /// <summary>
    /// Why the room does not take this send: the sender's membership, then its shape, then a block, then the assistant's
    /// rules; null when it does.
    /// </summary>
    private RuleViolation? Refusal(SendCommand command) =>
        Membership(command.SenderId, out var refused) is null
            ? refused
            : SendRules.Check(command.Kind, command.ClientMsgId, command.Content, command.Target, command.ReplyTo, command.Attachments)
                ?? BlockedByPeer(command.SenderId) ?? _assistant.Refusal(command);

    public async Task<HistoryPage> GetHistory(string requesterId, HistoryQuery query)
    {
        RequireMember(requesterId);
        if (query.Limit is < 1 or > ProtocolLimits.MaxPageSize)
        {
            throw ChatException.BadRequest($"limit must be 1 to {ProtocolLimits.MaxPageSize}.");
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

    public async Task<TimeSpan> Subscribe(IChatGatewayObserver gateway)
    {
        if (!State.Exists)
        {
            // Nothing can happen here until the chat is created, and creating it tells every member's gateway anew.
            ForgetUnknownChat();
            return _options.ObserverLease;
        }

        // The gateway ids live in the state so that a room reactivated elsewhere delivers at once instead of after the
        // gateways' next renewal. The price is a state write per new subscription (a renewal writes nothing): a gateway
        // that restarts makes each room it subscribes to write once.
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

    public Task MemberSettingsChanged(MemberReachability reachability) => MemberReachabilityChanged(reachability);

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

    /// <summary>A mentioned member gets a push even from a chat they muted.</summary>
    private List<PushTarget> PushTargets(string senderId, IReadOnlyList<string> mentions) =>
        _reachability.PushTargets(State.Members, senderId, mentions, time.GetUtcNow());

    private IReadOnlyList<string> MentionsOf(string content) => Mentions.Find(content, userId => Member(userId) is not null);

    private bool OwnsGroup(string userId) => State.Type == ChatType.Group && Member(userId)?.Role == ChatRole.Owner;

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

    private ChatInfo GetChatFor(string requesterId)
    {
        RequireMember(requesterId);
        return Info();
    }

    private ChatInfo Info() => State.Info(ChatId, _writer.LastSeq);

    private List<string> GatewayIds() => [.. _gateways.Keys.Select(id => id.ToString())];

    private IUserGrain User(string userId) => GrainFactory.GetGrain<IUserGrain>(userId);

    /// <summary>Orders the room's typing and membership events; clock-based so it keeps rising across activations.</summary>
    private long NextVersion() => _version = Math.Max(_version + 1, time.GetUtcNow().UtcTicks);

    private DateTimeOffset Now() => time.UtcNowToTheMillisecond();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the history of chat {ChatId} failed")]
    private partial void LogReadFailed(Exception exception, string chatId);
}
