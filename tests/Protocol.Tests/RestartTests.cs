using System.Net;
using System.Text.Json;
using OrleansChat.TestInfrastructure;

namespace OrleansChat.ProtocolTests;

/// <summary>
/// Starts a server, creates a chat with three messages (one with a known client message id), stops it
/// and starts a new server on the same data directory.
/// </summary>
public sealed class RestartedServer : IAsyncLifetime
{
    private readonly string _directory = ChatServer.NewDataDirectory();

    public ChatServer Server { get; private set; } = null!;

    public string AliceId { get; private set; } = "";

    public string BobId { get; private set; } = "";

    public string ChatId { get; private set; } = "";

    public string[] MembersBefore { get; private set; } = [];

    public JsonElement[] MessagesBefore { get; private set; } = [];

    public JsonElement KnownAck { get; private set; }

    /// <summary>The chat's <c>receipts</c> before the restart, after bob reported delivered 3 and read 2.</summary>
    public string[] ReceiptsBefore { get; private set; } = [];

    public int? ShutdownCloseCode { get; private set; }

    public async ValueTask InitializeAsync()
    {
        var first = await ChatServer.StartAsync(_directory);
        try
        {
            var (alice, bob) = (first.NewUser("alice"), first.NewUser("bob"));
            (AliceId, BobId) = (alice.Id, bob.Id);
            ChatId = await alice.CreateGroupIdAsync(bob);
            await alice.PostMessageAsync(ChatId, "before the restart 1");
            KnownAck = await alice.PostMessageAsync(ChatId, "before the restart 2", "known-client-message-id");
            await bob.PostMessageAsync(ChatId, "before the restart 3");
            MembersBefore = (await alice.GetChatAsync(ChatId)).Members();
            MessagesBefore = (await alice.GetMessagesAsync(ChatId)).Items("messages");

            await using var connected = await bob.ConnectAsync();
            await connected.SendAsync(new { type = "delivered", chatId = ChatId, seq = 3 });
            await connected.SendAsync(new { type = "read", chatId = ChatId, seq = 2 });
            await connected.ReceiveAsync("receipt", ChatId, f => f.Number("readSeq") == 2);
            ReceiptsBefore = [.. (await alice.GetChatAsync(ChatId)).Items("receipts").Select(r => r.ToString())];
            var closing = connected.ReceiveCloseAsync(TimeSpan.FromSeconds(60));
            await first.StopAsync();
            try
            {
                ShutdownCloseCode = (await closing).Code;
            }
            catch (Exception e) when (e is Xunit.Sdk.XunitException or TimeoutException)
            {
                ShutdownCloseCode = null;
            }
        }
        finally
        {
            await first.DisposeAsync();
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

public sealed class RestartTests(RestartedServer fixture) : IClassFixture<RestartedServer>
{
    private ChatUser Alice => fixture.User(fixture.AliceId);

    private ChatUser Bob => fixture.User(fixture.BobId);

    [Fact]
    public void Stopping_the_server_closes_connections_with_1001() =>
        Assert.Equal(1001, fixture.ShutdownCloseCode);

    [Fact]
    public async Task History_survives_a_restart()
    {
        var after = (await Alice.GetMessagesAsync(fixture.ChatId, "?afterSeq=0&limit=3")).Items("messages");

        Assert.Equal(fixture.MessagesBefore.Select(m => m.ToString()), after.Select(m => m.ToString()));
        Assert.Equal([1, 2, 3], after.Select(m => m.Number("seq")));
    }

    [Fact]
    public async Task Membership_survives_a_restart()
    {
        var chat = await Bob.GetChatAsync(fixture.ChatId);

        Assert.Equal(fixture.MembersBefore, chat.Members());
        Assert.Equal(fixture.AliceId, chat.Text("ownerId"));
        Assert.Equal(fixture.MembersBefore, (await Bob.MyChatAsync(fixture.ChatId)).Members());
    }

    [Fact]
    public async Task Every_members_receipt_survives_a_restart()
    {
        var chat = await Alice.GetChatAsync(fixture.ChatId);

        Assert.Equal(
            [$$"""{"userId":"{{fixture.AliceId}}","readSeq":0,"deliveredSeq":0}""", $$"""{"userId":"{{fixture.BobId}}","readSeq":2,"deliveredSeq":3}"""],
            fixture.ReceiptsBefore);
        Assert.Equal(fixture.ReceiptsBefore, chat.Items("receipts").Select(r => r.ToString()));
    }

    [Fact]
    public async Task Seq_continues_after_a_restart()
    {
        var lastSeq = (await Bob.GetChatAsync(fixture.ChatId)).Number("lastSeq");

        var ack = await Bob.PostMessageAsync(fixture.ChatId, "after the restart");

        Assert.True(lastSeq >= 3);
        Assert.Equal(lastSeq + 1, ack.Number("seq"));
    }

    [Fact]
    public async Task Idempotency_survives_a_restart()
    {
        using var response = await Alice.PostAsync($"chats/{ChatUser.Escape(fixture.ChatId)}/messages",
            new { clientMsgId = "known-client-message-id", content = "before the restart 2" });

        var ack = await Expect.StatusAsync(response, HttpStatusCode.Created);
        Assert.Equal(fixture.KnownAck.Text("messageId"), ack.Text("messageId"));
        Assert.Equal(fixture.KnownAck.Number("seq"), ack.Number("seq"));
        Assert.Equal(fixture.KnownAck.Text("sentAt"), ack.Text("sentAt"));
    }

    [Fact]
    public async Task A_reconnecting_client_syncs_the_history_from_before_the_restart()
    {
        await using var socket = await Alice.ConnectAsync();

        await socket.SendAsync(new { type = "sync", @ref = "s1", chats = new[] { new { chatId = fixture.ChatId, afterSeq = 1 } } });

        Assert.Equal(2, (await socket.ReceiveAsync("message", fixture.ChatId)).Number("seq"));
        Assert.Equal(3, (await socket.ReceiveAsync("message", fixture.ChatId)).Number("seq"));
    }
}
