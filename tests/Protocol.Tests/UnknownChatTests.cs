using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansChat.ProtocolTests;

/// <summary>Naming a chat that does not exist costs the server nothing that stays: the room it woke goes again.</summary>
[Collection(SharedServer.Name)]
public sealed class UnknownChatTests(ChatServerFixture fixture)
{
    private const int PerPath = 5;

    private ChatServer Server => fixture.Server;

    [Fact]
    public async Task Requests_naming_chats_that_do_not_exist_leave_no_room_activations_behind()
    {
        var mallory = Server.NewUser("mallory");
        await using var socket = await mallory.ConnectAsync();
        var named = new List<string>();
        List<string> Unknown() => [.. Enumerable.Range(0, PerPath).Select(_ => Remember(named, $"nochat-{Guid.NewGuid():N}"))];

        await socket.SendAsync(new { type = "sync", @ref = "s1", chats = Unknown().Select(chatId => new { chatId, afterSeq = 0 }) });
        var (_, synced) = await socket.ReceiveSyncedAsync("s1");
        Assert.Empty(synced.Items("chats"));
        foreach (var chatId in Unknown())
        {
            await socket.SendAsync(new { type = "typing", @ref = "t", chatId, state = "start" });
            Expect.Error(await socket.ReceiveAsync("error", where: f => f.TextOrNull("ref") == "t"), "not_found", "t");
        }

        foreach (var chatId in Unknown())
        {
            await socket.SendAsync(new { type = "read", @ref = "r", chatId, seq = 1 });
            Expect.Error(await socket.ReceiveAsync("error", where: f => f.TextOrNull("ref") == "r"), "not_found", "r");
        }

        foreach (var chatId in Unknown())
        {
            await socket.SendAsync(new { type = "delivered", @ref = "d", chatId, seq = 1 });
            Expect.Error(await socket.ReceiveAsync("error", where: f => f.TextOrNull("ref") == "d"), "not_found", "d");
        }

        foreach (var chatId in Unknown())
        {
            await socket.SendAsync(new { type = "send", @ref = "m", chatId, clientMsgId = "k1", content = "hello?" });
            Expect.Error(await socket.ReceiveAsync("error", where: f => f.TextOrNull("ref") == "m"), "not_found", "m");
        }

        foreach (var chatId in Unknown())
        {
            await Expect.ProblemAsync(await mallory.GetAsync($"chats/{chatId}"), HttpStatusCode.NotFound, "not_found");
        }

        foreach (var chatId in Unknown())
        {
            await Expect.ProblemAsync(await mallory.GetAsync($"chats/{chatId}/messages"), HttpStatusCode.NotFound, "not_found");
        }

        foreach (var chatId in Unknown())
        {
            var post = await mallory.PostAsync($"chats/{chatId}/messages", new { clientMsgId = "k1", content = "hello?" });
            await Expect.ProblemAsync(post, HttpStatusCode.NotFound, "not_found");
        }

        Assert.Empty(await LiveRoomsAmongAsync(named));
    }

    [Fact]
    public async Task A_direct_chat_asked_for_before_it_exists_opens_as_usual()
    {
        var (alice, bob) = (Server.NewUser("alice"), Server.NewUser("bob"));
        var chatId = Identifiers.DirectChatId(alice.Id, bob.Id);
        await Expect.ProblemAsync(await bob.GetAsync($"chats/{chatId}"), HttpStatusCode.NotFound, "not_found");
        Assert.Empty(await LiveRoomsAmongAsync([chatId]));

        var opened = await alice.OpenDirectChatAsync(bob);

        Assert.Equal(chatId, opened.Text("chatId"));
        Assert.Equal(chatId, (await bob.GetChatAsync(chatId)).Text("chatId"));
    }

    private static string Remember(List<string> named, string chatId)
    {
        named.Add(chatId);
        return chatId;
    }

    /// <summary>
    /// The chat ids among <paramref name="chatIds"/> whose room is activated, once the rooms that are leaving have
    /// left. A room leaves just after its answer, and nothing outside the silo hears of it, so this asks the silo
    /// until the answer stops changing towards none (10 s at most).
    /// </summary>
    private async Task<List<string>> LiveRoomsAmongAsync(IReadOnlyCollection<string> chatIds)
    {
        var management = Server.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var live = (await management.GetDetailedGrainStatistics())
                .Select(s => s.GrainId.Key.ToString()!)
                .Where(chatIds.Contains)
                .Order(StringComparer.Ordinal)
                .ToList();
            if (live.Count == 0 || DateTime.UtcNow > deadline)
            {
                return live;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), TestContext.Current.CancellationToken);
        }
    }
}
