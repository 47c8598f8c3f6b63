using static Microsoft.Playwright.Assertions;

namespace OrleansChat.BrowserTests;

/// <summary>PROTOCOL.md 6.4 in the web client: the ticks on one's own messages, from live receipts and after a reload.</summary>
public sealed class MessageStatusTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task My_message_shows_one_tick_when_stored_two_once_every_other_member_has_it_and_read_marks_once_every_other_member_read_it()
    {
        if (fixture.SkipReason is { } reason)
        {
            Assert.Skip(reason);
        }

        var alice = await ChatPage.SignInAsync(fixture, "alice");
        var (bobId, carolId) = (ChatPage.NewUserId("bob"), ChatPage.NewUserId("carol"));
        var chatId = await alice.CreateGroupAsync("Ticks", bobId, carolId);
        await alice.SendAsync("Did you get this?");
        var status = alice.Message("Did you get this?").GetByTestId("message-status");
        await Expect(status).ToHaveAttributeAsync("data-status", "sent");
        await Expect(status).ToHaveAttributeAsync("title", "Sent");

        // Bob's page receives it while it shows his chat list: delivered to one of two members is still one tick.
        var bob = await ChatPage.SignInAsAsync(fixture, bobId, phone: true);
        await Expect(status).ToHaveAttributeAsync("title", "Sent, delivered to 1 of 2");
        await Expect(status).ToHaveAttributeAsync("data-status", "sent");

        var carol = await ChatPage.SignInAsAsync(fixture, carolId);
        await Expect(status).ToHaveAttributeAsync("data-status", "delivered");
        await Expect(status).ToHaveTextAsync("✓✓");

        await bob.OpenAsync(chatId);
        await Expect(status).ToHaveAttributeAsync("title", "Delivered, read by 1 of 2");
        await Expect(status).ToHaveAttributeAsync("data-status", "delivered");
        await carol.OpenAsync(chatId);
        await Expect(status).ToHaveAttributeAsync("data-status", "read");
        await fixture.ScreenshotAsync(alice.Page, "desktop-read-marks");

        // A reload knows the receipts from the chat itself.
        await alice.Page.ReloadAsync();
        await alice.ExpectConnectedAsync();
        await alice.OpenAsync(chatId);
        await Expect(alice.Message("Did you get this?").GetByTestId("message-status")).ToHaveAttributeAsync("data-status", "read");

        foreach (var page in new[] { alice, bob, carol })
        {
            await page.Page.Context.CloseAsync();
        }
    }
}
