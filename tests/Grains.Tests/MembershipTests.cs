namespace OrleansChat.Grains.Tests;

[Collection(SharedChatCluster.Name)]
public sealed class MembershipTests(ChatClusterFixture fixture) : ChatTestBase(fixture)
{
    public enum MemberOperation
    {
        Send,
        GetHistory,
        GetChat,
        AddMember,
    }

    [Fact]
    public async Task The_creator_of_a_group_is_its_owner()
    {
        var ownerId = NewUserId();
        var memberId = NewUserId();

        var chat = await Room(NewChatId()).CreateGroup(ownerId, "team", [memberId]);

        Assert.Equal(ownerId, chat.OwnerId);
        Assert.Equal([(ownerId, ChatRole.Owner), (memberId, ChatRole.Member)], chat.Members.Select(m => (m.UserId, m.Role)));
    }

    [Fact]
    public async Task A_member_can_add_someone_to_a_group()
    {
        var ownerId = NewUserId();
        var memberId = NewUserId();
        var newcomerId = NewUserId();
        var room = await NewGroup(ownerId, memberId);

        var chat = await room.AddMember(memberId, newcomerId);

        Assert.Equal([ownerId, memberId, newcomerId], chat.Members.Select(m => m.UserId));
        Assert.Equal(ChatRole.Member, chat.Members[2].Role);
    }

    [Theory]
    [InlineData(MemberOperation.Send)]
    [InlineData(MemberOperation.GetHistory)]
    [InlineData(MemberOperation.GetChat)]
    [InlineData(MemberOperation.AddMember)]
    public async Task A_non_member_is_forbidden(MemberOperation operation)
    {
        var room = await NewGroup(NewUserId(), NewUserId());
        var strangerId = NewUserId();

        var code = await ErrorOf(() => operation switch
        {
            MemberOperation.Send => Send(room, strangerId, "hi"),
            MemberOperation.GetHistory => room.GetHistory(strangerId, new HistoryQuery(null, null, 10)),
            MemberOperation.GetChat => room.GetChat(strangerId),
            _ => room.AddMember(strangerId, NewUserId()),
        });

        Assert.Equal(ChatErrorCode.Forbidden, code);
    }

    [Fact]
    public async Task An_unknown_chat_is_not_found()
    {
        var code = await ErrorOf(() => Room(NewChatId()).GetChat(NewUserId()));

        Assert.Equal(ChatErrorCode.NotFound, code);
    }

    [Fact]
    public async Task The_owner_can_remove_a_member()
    {
        var ownerId = NewUserId();
        var memberId = NewUserId();
        var otherId = NewUserId();
        var room = await NewGroup(ownerId, memberId, otherId);

        await room.RemoveMember(ownerId, memberId);

        Assert.Equal([ownerId, otherId], (await room.GetChat(ownerId)).Members.Select(m => m.UserId));
    }

    [Fact]
    public async Task A_member_cannot_remove_another_member()
    {
        var ownerId = NewUserId();
        var memberId = NewUserId();
        var otherId = NewUserId();
        var room = await NewGroup(ownerId, memberId, otherId);

        var code = await ErrorOf(() => room.RemoveMember(memberId, otherId));

        Assert.Equal(ChatErrorCode.Forbidden, code);
        Assert.Equal([ownerId, memberId, otherId], (await room.GetChat(ownerId)).Members.Select(m => m.UserId));
    }

    [Fact]
    public async Task A_member_can_leave()
    {
        var ownerId = NewUserId();
        var memberId = NewUserId();
        var room = await NewGroup(ownerId, memberId);

        await room.RemoveMember(memberId, memberId);

        Assert.Equal([ownerId], (await room.GetChat(ownerId)).Members.Select(m => m.UserId));
    }

    [Fact]
    public async Task When_the_owner_leaves_the_longest_standing_member_becomes_owner()
    {
        var ownerId = NewUserId();
        var firstId = NewUserId();
        var secondId = NewUserId();
        var room = await NewGroup(ownerId);
        await room.AddMember(ownerId, firstId);
        await room.AddMember(ownerId, secondId);

        await room.RemoveMember(ownerId, ownerId);

        var chat = await room.GetChat(firstId);
        Assert.Equal(firstId, chat.OwnerId);
        Assert.Equal([(firstId, ChatRole.Owner), (secondId, ChatRole.Member)], chat.Members.Select(m => (m.UserId, m.Role)));
    }

    [Fact]
    public async Task Opening_a_direct_chat_twice_creates_it_once_for_both_sides()
    {
        var aliceId = NewUserId();
        var bobId = NewUserId();
        var room = Room(Identifiers.DirectChatId(aliceId, bobId));

        var first = await room.OpenDirect(aliceId, bobId);
        var second = await room.OpenDirect(bobId, aliceId);

        Assert.Equal((true, false), (first.Created, second.Created));
        Assert.Equal(first.Chat.ChatId, second.Chat.ChatId);
        Assert.Equal((ChatType.Direct, (string?)null), (second.Chat.Type, second.Chat.OwnerId));
        Assert.Equal(first.Chat.Members, second.Chat.Members);
        Assert.Equal([aliceId, bobId], second.Chat.Members.Select(m => m.UserId));
    }

    [Fact]
    public async Task Nobody_can_be_added_to_a_direct_chat()
    {
        var (aliceId, _, room) = await NewDirect();

        var code = await ErrorOf(() => room.AddMember(aliceId, NewUserId()));

        Assert.Equal(ChatErrorCode.Forbidden, code);
    }

    [Fact]
    public async Task Nobody_can_be_removed_from_a_direct_chat()
    {
        var (aliceId, bobId, room) = await NewDirect();

        var code = await ErrorOf(() => room.RemoveMember(aliceId, bobId));

        Assert.Equal(ChatErrorCode.Forbidden, code);
    }

    [Fact]
    public async Task A_users_chats_list_the_direct_chat_with_its_peer()
    {
        var (aliceId, bobId, room) = await NewDirect();

        var chats = await User(aliceId).GetChats();

        Assert.Equal([new UserChat(room.GetPrimaryKeyString(), ChatType.Direct, bobId)], chats);
    }

    [Fact]
    public async Task A_users_chats_reflect_joining_and_leaving_groups()
    {
        var ownerId = NewUserId();
        var memberId = NewUserId();
        var created = await NewGroup(ownerId, memberId);
        var added = await NewGroup(ownerId);
        await added.AddMember(ownerId, memberId);
        var left = await NewGroup(ownerId, memberId);
        await left.RemoveMember(memberId, memberId);

        var chats = await User(memberId).GetChats();

        Assert.Equal(
            [new UserChat(created.GetPrimaryKeyString(), ChatType.Group, null), new UserChat(added.GetPrimaryKeyString(), ChatType.Group, null)],
            chats);
    }

    [Fact]
    public async Task The_gateway_of_a_users_session_hears_of_their_joins_and_leaves()
    {
        var ownerId = NewUserId();
        var memberId = NewUserId();
        using var gateway = NewGateway();
        var session = await OpenSession(memberId, gateway);
        var room = await NewGroup(ownerId);

        await room.AddMember(ownerId, memberId);
        await room.RemoveMember(ownerId, memberId);

        // One-way notifications may overtake one another (see TestGateway); their versions give the room's order.
        var changes = await gateway.WaitForMembershipChangesAsync(memberId, 2);
        Assert.Equal(
            [(MembershipChange.MemberAdded, memberId, room.GetPrimaryKeyString()), (MembershipChange.MemberRemoved, memberId, room.GetPrimaryKeyString())],
            changes.OrderBy(c => c.Version).Select(c => (c.Change, c.UserId, c.Chat.ChatId)));
        await session.Close();
    }

    private async Task<(string AliceId, string BobId, IChatRoomGrain Room)> NewDirect()
    {
        var aliceId = NewUserId();
        var bobId = NewUserId();
        var room = Room(Identifiers.DirectChatId(aliceId, bobId));
        await room.OpenDirect(aliceId, bobId);
        return (aliceId, bobId, room);
    }
}
