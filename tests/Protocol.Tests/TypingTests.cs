namespace OrleansChat.ProtocolTests;

[Collection(SharedServer.Name)]
public sealed class TypingTests(ChatServerFixture fixture)
{
    private ChatServer Server => fixture.Server;

    [Fact]
    public async Task Typing_start_reaches_the_other_members_with_chat_user_and_state()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        await using var aliceSocket = await alice.ConnectAsync();
        await using var bobSocket = await bob.ConnectAsync();

        await aliceSocket.SendAsync(new { type = "typing", chatId, state = "start" });

        var typing = await bobSocket.ReceiveAsync("typing", chatId);
        Assert.Equal(alice.Id, typing.Text("userId"));
        Assert.Equal("start", typing.Text("state"));
    }

    [Fact]
    public async Task The_typers_own_devices_get_no_typing_frame()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        await using var laptop = await alice.ConnectAsync();
        await using var phone = await alice.ConnectAsync();
        await using var bobSocket = await bob.ConnectAsync();

        await laptop.SendAsync(new { type = "typing", chatId, state = "start" });
        await bobSocket.ReceiveAsync("typing", chatId);

        await laptop.AssertNothingAsync(f => f.Is("typing"), "typing on the typer's connection");
        await phone.AssertNothingAsync(f => f.Is("typing"), "typing on the typer's other device");
    }

    [Fact]
    public async Task A_burst_of_typing_starts_and_stops_reaches_the_other_member_as_one_start_and_one_stop()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = await alice.CreateGroupIdAsync(bob);
        await using var aliceSocket = await alice.ConnectAsync();
        await using var bobSocket = await bob.ConnectAsync();

        // Fewer than the connection's frame burst allowance (100), so that every frame is handled; it ends on a stop.
        const int Burst = 90;
        for (var i = 0; i < Burst; i++)
        {
            await aliceSocket.SendAsync(new { type = "typing", chatId, state = i % 2 == 0 ? "start" : "stop" });
        }

        // The room publishes in the order it handles calls: a message sent after the burst comes after its typing.
        await aliceSocket.SendAsync(new { type = "send", chatId, clientMsgId = "after-burst", content = "after the burst" });
        var typing = TypingStates(await bobSocket.ReceiveBeforeAsync(f => f.Is("message", chatId)));

        // The stop is held until a second after the start; once it is in, nothing more is on its way.
        if (typing.Count < 2)
        {
            await bobSocket.ReceiveAsync("typing", chatId, f => f.Text("state") == "stop");
            typing.Add("stop");
        }

        await aliceSocket.SendAsync(new { type = "send", chatId, clientMsgId = "after-stop", content = "after the stop" });
        typing.AddRange(TypingStates(await bobSocket.ReceiveBeforeAsync(f => f.Is("message", chatId))));
        Assert.Equal(["start", "stop"], typing);
    }

    private static List<string> TypingStates(IEnumerable<System.Text.Json.JsonElement> frames) =>
        [.. frames.Where(f => f.Is("typing")).Select(f => f.Text("state"))];

    [Fact]
    public async Task Typing_in_a_chat_you_are_not_a_member_of_gets_forbidden()
    {
        var chatId = await Server.NewUser("alice").CreateGroupIdAsync();
        await using var socket = await Server.NewUser("mallory").ConnectAsync();

        await socket.SendAsync(new { type = "typing", @ref = "t1", chatId, state = "start" });

        Expect.Error(await socket.ReceiveAsync(), "forbidden", "t1");
    }

    [Fact]
    public async Task Typing_with_an_unknown_state_gets_bad_request()
    {
        var alice = Server.NewUser("alice");
        var chatId = await alice.CreateGroupIdAsync();
        await using var socket = await alice.ConnectAsync();

        await socket.SendAsync(new { type = "typing", @ref = "t1", chatId, state = "dancing" });

        Expect.Error(await socket.ReceiveAsync(), "bad_request", "t1");
    }
}
