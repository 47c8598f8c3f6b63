using System.Text.Json.Nodes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace OrleansChat.BrowserTests;

/// <summary>
/// PROTOCOL.md 9 in the web client: the assistant's chat, a reply that streams as `chunk` frames (put in front of the
/// page on its routed socket, in the order a test chooses), the stop button, and a job's status when it failed.
/// </summary>
public sealed class AssistantRepliesTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_assistant_entry_opens_the_direct_chat_with_the_assistant()
    {
        fixture.SkipWithoutChromium();
        var alice = await ChatPage.SignInAsync(fixture, "alice");

        var chatId = await OpenAssistantAsync(alice);

        var members = await alice.Page.EvaluateAsync<string[]>(
            "async id => (await (await fetch('/api/v1/chats/' + encodeURIComponent(id), { headers: { Authorization: 'Bearer ' + JSON.parse(localStorage.getItem('orleanschat.session')).token } })).json()).members.sort()",
            chatId);
        Assert.Equal(new[] { alice.UserId, "assistant" }.Order(StringComparer.Ordinal), members);
        await Expect(alice.ChatItem(chatId)).ToHaveCountAsync(1);
        await alice.Page.Context.CloseAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Chunks_that_arrive_out_of_order_show_in_index_order_and_the_stored_reply_replaces_them(bool phone)
    {
        fixture.SkipWithoutChromium();
        var (alice, socket) = await SignInRoutedAsync(phone);
        var chatId = await OpenAssistantAsync(alice);

        foreach (var (index, delta) in new[] { (2, "streams "), (0, "A reply "), (4, "order."), (1, "that "), (3, "in ") })
        {
            socket.Send(Chunk(chatId, "job-ordered", 1, index, delta));
        }

        var live = alice.Page.GetByTestId("streaming-reply");
        await Expect(live).ToHaveCountAsync(1);
        await Expect(live).ToHaveAttributeAsync("data-job-id", "job-ordered");
        await Expect(live.Locator(".text")).ToHaveTextAsync("A reply that streams in order.");
        await Expect(live.GetByTestId("stop-reply")).ToBeVisibleAsync();
        await fixture.ScreenshotAsync(alice.Page, $"assistant-streaming-{ChatPage.SizeName(phone)}");

        socket.Send(Reply(chatId, "job-ordered", 1, "A reply that streams in order.", stopped: false));

        await Expect(live).ToHaveCountAsync(0);
        await Expect(alice.Messages).ToHaveCountAsync(1);
        await Expect(alice.Messages.Locator(".text")).ToHaveTextAsync("A reply that streams in order.");
        await Expect(alice.Messages).ToHaveAttributeAsync("data-sender", "assistant");

        // A chunk that comes after the stored reply is too late to show anything.
        socket.Send(Chunk(chatId, "job-ordered", 1, 5, " Late."));
        await Expect(alice.Messages.Locator(".text")).ToHaveTextAsync("A reply that streams in order.");
        await Expect(live).ToHaveCountAsync(0);
        await alice.Page.Context.CloseAsync();
    }

    [Fact]
    public async Task Chunks_of_a_higher_attempt_replace_what_the_reply_held_and_the_lower_attempt_is_ignored_after()
    {
        fixture.SkipWithoutChromium();
        var (alice, socket) = await SignInRoutedAsync(phone: false);
        var chatId = await OpenAssistantAsync(alice);
        var text = alice.Page.GetByTestId("streaming-reply").Locator(".text");

        socket.Send(Chunk(chatId, "job-retried", 1, 0, "The first try "));
        socket.Send(Chunk(chatId, "job-retried", 1, 1, "broke off"));
        await Expect(text).ToHaveTextAsync("The first try broke off");

        socket.Send(Chunk(chatId, "job-retried", 2, 1, "try."));
        socket.Send(Chunk(chatId, "job-retried", 2, 0, "The second "));
        socket.Send(Chunk(chatId, "job-retried", 1, 2, " and more"));
        await Expect(text).ToHaveTextAsync("The second try.");
        await Expect(alice.Page.GetByTestId("streaming-reply")).ToHaveAttributeAsync("data-attempt", "2");
        await alice.Page.Context.CloseAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_stop_button_sends_the_cancel_frame_and_the_stopped_reply_shows_its_mark(bool phone)
    {
        fixture.SkipWithoutChromium();
        var (alice, socket) = await SignInRoutedAsync(phone);
        var chatId = await OpenAssistantAsync(alice);
        socket.Send(Chunk(chatId, "job-stopped", 1, 0, "Half of an"));

        await alice.Page.GetByTestId("stop-reply").ClickAsync();

        var cancel = await socket.WrittenAsync(frame => (string?)frame["type"] == "cancel");
        Assert.Equal("""{"type":"cancel","jobId":"job-stopped"}""", cancel.ToJsonString());
        socket.Send(Reply(chatId, "job-stopped", 1, "Half of an", stopped: true));
        await Expect(alice.Page.GetByTestId("streaming-reply")).ToHaveCountAsync(0);
        await Expect(alice.Messages).ToHaveCountAsync(1);
        await Expect(alice.Messages.GetByTestId("reply-stopped")).ToHaveTextAsync("stopped");
        await fixture.ScreenshotAsync(alice.Page, $"assistant-stopped-{ChatPage.SizeName(phone)}");
        await alice.Page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("failed", "provider_unavailable")]
    [InlineData("dead_lettered", "provider_unavailable")]
    [InlineData("failed", "rate_limited")]
    public async Task A_job_that_failed_was_dead_lettered_or_was_rate_limited_shows_its_status_and_error_under_the_message_that_started_it(string jobStatus, string error)
    {
        fixture.SkipWithoutChromium();
        var (alice, socket) = await SignInRoutedAsync(phone: false, fakeClock: true);
        var jobsAsked = 0;
        await alice.Page.RouteAsync("**/api/v1/jobs/job-failed", route =>
        {
            Interlocked.Increment(ref jobsAsked);
            return route.FulfillAsync(new RouteFulfillOptions
            {
                Status = 200,
                ContentType = "application/json",
                Body = $$"""{"jobId":"job-failed","chatId":"c","seq":1,"status":"{{jobStatus}}","attempts":3,"provider":"openai","partial":"","error":"{{error}}","createdAt":"2026-11-30T01:00:00.000Z","updatedAt":"2026-11-30T01:00:01.000Z"}""",
            });
        });
        // The server's ack of the page's send says it started a job (PROTOCOL.md 9), as an assistant's chat would.
        socket.FromServer = frame =>
        {
            if ((string?)frame["type"] == "ack")
            {
                frame["jobId"] = "job-failed";
            }

            return frame;
        };
        await alice.StartDirectAsync(ChatPage.NewUserId("bob"));

        await alice.SendAsync("Summarise this chat");

        var status = alice.Page.GetByTestId("job-status");
        await Expect(status).ToHaveAttributeAsync("data-status", jobStatus);
        await Expect(status).ToContainTextAsync(error);

        // A final status ends the watch: ten polls' worth of the page's time later, the job was not asked about again
        // (a request made after that time is answered, so one made in it would have been seen).
        var asked = Volatile.Read(ref jobsAsked);
        Assert.True(asked >= 1);
        await alice.Page.Clock.RunForAsync(20_000);
        Assert.Equal(200, await alice.Page.EvaluateAsync<int>("() => fetch('/health').then(r => r.status)"));
        Assert.Equal(asked, Volatile.Read(ref jobsAsked));
        await fixture.ScreenshotAsync(alice.Page, $"assistant-job-{jobStatus}-{error}-desktop");
        await alice.Page.Context.CloseAsync();
    }

    private async Task<(ChatPage Alice, RoutedSocket Socket)> SignInRoutedAsync(bool phone, bool fakeClock = false)
    {
        var page = await fixture.NewPageAsync(phone);
        if (fakeClock)
        {
            // The page's timers run on Playwright's clock: it flows as time does until a test moves it on.
            await page.Clock.InstallAsync();
            await page.ReloadAsync();
        }

        var socket = await RoutedSocket.RouteAsync(page);
        var alice = await ChatPage.SignInOnAsync(page, ChatPage.NewUserId("alice"));
        await Expect(alice.Connection).ToHaveAttributeAsync("data-transport", "websocket");
        return (alice, socket);
    }

    private static async Task<string> OpenAssistantAsync(ChatPage page)
    {
        await page.Page.GetByTestId("assistant-chat").ClickAsync();
        await Expect(page.Page.Locator("#chat-title")).ToHaveTextAsync("assistant");
        return await page.OpenChatIdAsync();
    }

    private static object Chunk(string chatId, string jobId, int attempt, int index, string delta) =>
        new { type = "chunk", chatId, jobId, attempt, index, delta };

    private static JsonObject Reply(string chatId, string jobId, long seq, string content, bool stopped)
    {
        var frame = new JsonObject
        {
            ["type"] = "message", ["chatId"] = chatId, ["seq"] = seq, ["kind"] = "text", ["messageId"] = Guid.CreateVersion7().ToString(),
            ["senderId"] = "assistant", ["content"] = content, ["sentAt"] = "2026-11-30T01:00:00.000Z", ["clientMsgId"] = $"{jobId}:reply",
            ["jobId"] = jobId,
        };
        if (stopped)
        {
            frame["stopped"] = true;
        }

        return frame;
    }
}
