using System.Net;
using OrleansChat.TestInfrastructure;

namespace OrleansChat.ProtocolTests;

/// <summary>A server where alice muted a group and blocked bob, with whom she has a direct chat, stopped and started again.</summary>
public sealed class RestartedAfterMuteAndBlock : IAsyncLifetime
{
    private readonly string _directory = ChatServer.NewDataDirectory();

    public ChatServer Server { get; private set; } = null!;

    public string AliceId { get; private set; } = "";

    public string BobId { get; private set; } = "";

    public string GroupId { get; private set; } = "";

    public string DirectId { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        await using (var first = await ChatServer.StartAsync(_directory))
        {
            var (alice, bob) = (first.NewUser("alice"), first.NewUser("bob"));
            (AliceId, BobId) = (alice.Id, bob.Id);
            GroupId = await alice.CreateGroupIdAsync(bob);
            DirectId = (await alice.OpenDirectChatAsync(bob)).Text("chatId");
            using var muted = await alice.PutSettingsAsync(GroupId, new { muted = true });
            await Expect.StatusAsync(muted, HttpStatusCode.OK);
            using var blocked = await alice.BlockAsync(bob);
            await Expect.StatusAsync(blocked, HttpStatusCode.NoContent);
        }

        Server = await ChatServer.StartAsync(_directory);
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        ScratchDirectory.Delete(_directory);
    }

    public ChatUser User(string id) => new(Server, id);
}

public sealed class SettingsRestartTests(RestartedAfterMuteAndBlock fixture) : IClassFixture<RestartedAfterMuteAndBlock>
{
    private ChatUser Alice => fixture.User(fixture.AliceId);

    private ChatUser Bob => fixture.User(fixture.BobId);

    [Fact]
    public async Task A_mute_survives_a_restart()
    {
        Assert.Equal((true, null), MuteSettings.Of(await Alice.MyChatAsync(fixture.GroupId)));
        Assert.Equal((false, null), MuteSettings.Of(await Alice.MyChatAsync(fixture.DirectId)));
    }

    [Fact]
    public async Task A_block_survives_a_restart()
    {
        Assert.Equal($$"""{"userIds":["{{fixture.BobId}}"]}""", await Alice.BlockListTextAsync());
    }

    [Fact]
    public async Task The_blocked_user_is_still_refused_the_direct_chat_after_a_restart()
    {
        using var response = await Bob.PostAsync($"chats/{ChatUser.Escape(fixture.DirectId)}/messages", new { clientMsgId = "k1", content = "hello?" });

        await Expect.ProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
    }
}
