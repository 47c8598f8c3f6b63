using System.Text.Json;
using OrleansChat.TestInfrastructure;
using static Microsoft.Playwright.Assertions;

namespace OrleansChat.BrowserTests;

/// <summary>
/// PROTOCOL.md 10 in the web client: a page whose WebSocket cannot be opened (blocked here by routing it to fail) lives
/// on server-sent events from the real server, acting over REST, and after its stream drops syncs what it missed.
/// </summary>
public sealed class EventStreamFallbackTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private static readonly TimeSpan FrameTimeout = TimeSpan.FromSeconds(15);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Without_a_WebSocket_the_page_falls_back_to_server_sent_events_receives_and_sends_there_and_a_dropped_stream_syncs_exactly_once(bool phone)
    {
        fixture.SkipWithoutChromium();
        var page = await fixture.NewPageAsync(phone);
        await RoutedSocket.BlockAsync(page);
        var syncs = 0;
        page.Request += (_, request) =>
        {
            if (request.Method == "POST" && request.Url.EndsWith("/api/v1/sync", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref syncs);
            }
        };

        var alice = await ChatPage.SignInOnAsync(page, ChatPage.NewUserId("alice"));
        await Expect(alice.Connection).ToHaveAttributeAsync("data-transport", "sse");

        // Bob is on a WebSocket: what reaches his socket is what the server stored.
        await using var bob = await ChatClient.ConnectAsync(ChatPage.NewUserId("bob"), fixture.BaseAddress);
        var chat = await bob.PostAsync("/api/v1/chats", new { title = "Events", members = new[] { alice.UserId } });
        var chatId = chat.GetProperty("chatId").GetString()!;
        await Expect(alice.ChatItem(chatId)).ToBeVisibleAsync();
        await alice.OpenAsync(chatId);

        await bob.PostAsync($"/api/v1/chats/{chatId}/messages", new { clientMsgId = "b1", content = "Hello over events" });
        await Expect(alice.Message("Hello over events")).ToHaveCountAsync(1);

        // Read and typing go over their REST actions: Bob's socket hears of both.
        var receipt = await bob.NextAsync(f => Is(f, "receipt") && f.GetProperty("userId").GetString() == alice.UserId, FrameTimeout);
        Assert.Equal(1, receipt.GetProperty("readSeq").GetInt64());
        await alice.Composer.FillAsync("Sent");
        var typing = await bob.NextAsync(f => Is(f, "typing") && f.GetProperty("userId").GetString() == alice.UserId, FrameTimeout);
        Assert.Equal("start", typing.GetProperty("state").GetString());

        await alice.SendAsync("Sent over REST");
        var stored = await bob.NextAsync(f => Is(f, "message") && f.GetProperty("content").GetString() == "Sent over REST", FrameTimeout);
        Assert.Equal(alice.UserId, stored.GetProperty("senderId").GetString());
        Assert.Equal(2, stored.GetProperty("seq").GetInt64());
        await fixture.ScreenshotAsync(alice.Page, $"events-fallback-{ChatPage.SizeName(phone)}");

        // The stream drops (the network goes); what is sent meanwhile comes once it is back, by POST /sync, once each.
        await page.Context.SetOfflineAsync(true);
        await Expect(alice.Connection).ToHaveAttributeAsync("data-state", "offline");
        var syncsBefore = Volatile.Read(ref syncs);
        await bob.PostAsync($"/api/v1/chats/{chatId}/messages", new { clientMsgId = "b2", content = "Missed one" });
        await bob.PostAsync($"/api/v1/chats/{chatId}/messages", new { clientMsgId = "b3", content = "Missed two" });
        await page.Context.SetOfflineAsync(false);
        await alice.ExpectConnectedAsync();
        await Expect(alice.Connection).ToHaveAttributeAsync("data-transport", "sse");

        await Expect(alice.Message("Missed two")).ToHaveCountAsync(1);
        await Expect(alice.Message("Missed one")).ToHaveCountAsync(1);
        var shown = await alice.ReadMessagesAsync();
        Assert.Equal([1, 2, 3, 4], shown.Select(m => m.Seq));
        Assert.Equal(["Hello over events", "Sent over REST", "Missed one", "Missed two"], shown.Select(m => m.Text));
        Assert.True(Volatile.Read(ref syncs) > syncsBefore, "the page asked POST /api/v1/sync after its stream came back");
        await page.Context.CloseAsync();
    }

    private static bool Is(JsonElement frame, string type) => frame.GetProperty("type").GetString() == type;
}
