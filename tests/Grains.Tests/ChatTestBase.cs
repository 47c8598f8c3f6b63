namespace OrleansChat.Grains.Tests;

/// <summary>Fresh ids and short ways to reach grains, so that tests sharing one cluster never meet.</summary>
public abstract class ChatTestBase(ChatClusterFixture fixture)
{
    protected static readonly TimeSpan WatchLease = TimeSpan.FromMinutes(5);

    /// <summary>Long enough that no session expires while a test runs.</summary>
    protected static readonly TimeSpan HeartbeatInterval = TimeSpan.FromMinutes(5);

    protected ChatClusterFixture Fixture { get; } = fixture;

    protected IClusterClient Client => Fixture.Client;

    protected static string NewUserId() => "u-" + Guid.NewGuid().ToString("N");

    protected static string NewChatId() => Identifiers.NewGroupChatId(TimeProvider.System);

    protected static string NewClientMsgId() => "c-" + Guid.NewGuid().ToString("N");

    protected IChatRoomGrain Room(string chatId) => Client.GetGrain<IChatRoomGrain>(chatId);

    protected IUserGrain User(string userId) => Client.GetGrain<IUserGrain>(userId);

    protected ISessionGrain Session(string sessionId) => Client.GetGrain<ISessionGrain>(sessionId);

    protected TestGateway NewGateway() => new(Client);

    /// <summary>A new gateway holding a lease on the events of <paramref name="room"/>.</summary>
    protected async Task<TestGateway> SubscribedGateway(IChatRoomGrain room)
    {
        var gateway = NewGateway();
        await room.Subscribe(gateway.Reference);
        return gateway;
    }

    /// <summary>A new group of <paramref name="ownerId"/> and <paramref name="memberIds"/>; returns its room.</summary>
    protected async Task<IChatRoomGrain> NewGroup(string ownerId, params string[] memberIds)
    {
        var room = Room(NewChatId());
        await room.CreateGroup(ownerId, "test group", memberIds);
        return room;
    }

    /// <summary>Opens a session of <paramref name="userId"/> held by <paramref name="gateway"/>; returns the session grain.</summary>
    protected async Task<ISessionGrain> OpenSession(string userId, TestGateway gateway)
    {
        var session = Session("s-" + Guid.NewGuid().ToString("N"));
        await session.Open(new SessionInfo(userId, gateway.Reference, HeartbeatInterval));
        return session;
    }

    protected static Task<SendResult> Send(IChatRoomGrain room, string senderId, string content) =>
        room.Send(new SendCommand(senderId, NewClientMsgId(), content));

    protected static async Task<IReadOnlyList<ChatMessage>> AllMessages(IChatRoomGrain room, string requesterId)
    {
        var page = await room.GetHistory(requesterId, new HistoryQuery(AfterSeq: 0, BeforeSeq: null, Limit: ProtocolLimits.MaxPageSize));
        return page.Messages;
    }

    protected static async Task<ChatErrorCode> ErrorOf(Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<ChatException>(call);
        return error.Code;
    }
}
