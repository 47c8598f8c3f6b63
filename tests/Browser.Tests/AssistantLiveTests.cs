using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace OrleansChat.BrowserTests;

/// <summary>
/// The zero-setup default's built-in assistant answering in the page, with nothing put in front of it: the job, its
/// chunks and the stored reply all come from the real server, over a WebSocket and over server-sent events.
/// </summary>
public sealed class AssistantLiveTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Theory]
    [InlineData("websocket")]
    [InlineData("sse")]
    public async Task The_built_in_assistant_answers_in_the_page_and_its_reply_shows_once(string transport)
    {
        fixture.SkipWithoutChromium();
        var page = await fixture.NewPageAsync(phone: false);
        if (transport == "sse")
        {
            await RoutedSocket.BlockAsync(page);
        }

        var alice = await ChatPage.SignInOnAsync(page, ChatPage.NewUserId("alice"));
        await Expect(alice.Connection).ToHaveAttributeAsync("data-transport", transport);
        await page.GetByTestId("assistant-chat").ClickAsync();
        await Expect(page.Locator("#chat-title")).ToHaveTextAsync("assistant");

        await alice.SendAsync("help");

        var reply = alice.Messages.Filter(new LocatorFilterOptions { HasText = "built-in assistant" });
        await Expect(reply).ToHaveCountAsync(1);
        await Expect(reply).ToHaveAttributeAsync("data-sender", "assistant");
        await Expect(page.GetByTestId("streaming-reply")).ToHaveCountAsync(0);
        await Expect(alice.Messages).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("job-status")).ToHaveCountAsync(0);
        await fixture.ScreenshotAsync(page, $"assistant-live-{transport}-desktop");
        await page.Context.CloseAsync();
    }
}
