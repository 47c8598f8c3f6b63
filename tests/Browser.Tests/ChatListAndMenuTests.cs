using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace OrleansChat.BrowserTests;

/// <summary>
/// PROTOCOL.md 6.1 and 6.5 in the web client's chat list and chat menu, by the data-testids of issue 12: unread and
/// mention badges, mentions highlighted, mute and block; two people, one at a desktop size and one at a phone size.
/// </summary>
public sealed class ChatListAndMenuTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private static readonly Regex Seq = new("^[0-9]+$");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Messages_in_a_chat_not_open_raise_unread_and_mention_badges_that_opening_clears_and_mentions_are_highlighted(bool bobPhone)
    {
        fixture.SkipWithoutChromium();
        var alice = await ChatPage.SignInAsync(fixture, "alice", !bobPhone);
        var bob = await ChatPage.SignInAsync(fixture, "bob", bobPhone);
        var chatId = await alice.CreateGroupAsync("Standup", bob.UserId);
        await alice.SendAsync("Morning all");
        await alice.SendAsync($"@{bob.UserId} can you take the notes?");

        var item = bob.ChatItem(chatId);
        await Expect(item.GetByTestId("unread-badge")).ToHaveTextAsync("2");
        await Expect(item.GetByTestId("mention-badge")).ToHaveTextAsync("1");
        await fixture.ScreenshotAsync(bob.Page, $"badges-{ChatPage.SizeName(bobPhone)}");

        // The counts come back after a reload, from the server's list.
        await bob.Page.ReloadAsync();
        await bob.ExpectConnectedAsync();
        await Expect(item.GetByTestId("unread-badge")).ToHaveTextAsync("2");
        await Expect(item.GetByTestId("mention-badge")).ToHaveTextAsync("1");

        // A message deleted before it was read is no longer unread.
        await alice.Message("Morning all").GetByTestId("message-delete").ClickAsync();
        await Expect(item.GetByTestId("unread-badge")).ToHaveTextAsync("1");
        await Expect(item.GetByTestId("mention-badge")).ToHaveTextAsync("1");

        await bob.OpenAsync(chatId);
        var mention = bob.Message("can you take the notes?");
        await Expect(mention.Locator(".mention")).ToHaveTextAsync($"@{bob.UserId}");
        await Expect(mention).ToHaveClassAsync(new Regex(@"\bmentions-me\b"));
        await Expect(bob.Messages.First.GetByTestId("message-deleted")).ToBeVisibleAsync();
        await fixture.ScreenshotAsync(bob.Page, $"mention-{ChatPage.SizeName(bobPhone)}");
        await bob.ShowListAsync(chatId);
        await Expect(item.GetByTestId("unread-badge")).ToHaveCountAsync(0);
        await Expect(item.GetByTestId("mention-badge")).ToHaveCountAsync(0);

        // Read is read on the server too: a reload shows no badge.
        await bob.Page.ReloadAsync();
        await bob.ExpectConnectedAsync();
        await bob.ShowListAsync(chatId);
        await Expect(item.GetByTestId("unread-badge")).ToHaveCountAsync(0);
        await alice.Page.Context.CloseAsync();
        await bob.Page.Context.CloseAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_chat_menu_mutes_and_unmutes_and_blocks_and_unblocks_and_a_blocked_user_is_told_their_message_was_refused(bool alicePhone)
    {
        fixture.SkipWithoutChromium();
        var alice = await ChatPage.SignInAsync(fixture, "alice", alicePhone);
        var bob = await ChatPage.SignInAsync(fixture, "bob", !alicePhone);
        var chatId = await alice.StartDirectAsync(bob.UserId);
        await alice.SendAsync("Hi Bob");
        await bob.OpenAsync(chatId);
        await Expect(bob.Message("Hi Bob")).ToBeVisibleAsync();

        // Mute: the list shows it, and so does a reload (the server holds it).
        await alice.Page.GetByTestId("chat-menu").ClickAsync();
        await alice.Page.GetByTestId("chat-mute").ClickAsync();
        await Expect(alice.Page.Locator("#chat-muted")).ToBeVisibleAsync();
        await alice.ShowListAsync(chatId);
        await Expect(alice.ChatItem(chatId)).ToHaveAttributeAsync("data-muted", "true");
        await Expect(alice.ChatItem(chatId).GetByTestId("chat-muted-icon")).ToBeVisibleAsync();
        await alice.Page.ReloadAsync();
        await alice.ExpectConnectedAsync();
        await Expect(alice.ChatItem(chatId)).ToHaveAttributeAsync("data-muted", "true");
        await alice.OpenAsync(chatId);
        await alice.Page.GetByTestId("chat-menu").ClickAsync();
        await Expect(alice.Page.GetByTestId("chat-mute")).ToHaveCountAsync(0);
        await alice.Page.GetByTestId("chat-unmute").ClickAsync();
        await Expect(alice.Page.Locator("#chat-muted")).ToBeHiddenAsync();
        await alice.ShowListAsync(chatId);
        await Expect(alice.ChatItem(chatId)).ToHaveAttributeAsync("data-muted", "false");

        // Block: Bob's next message is refused and he is told so; Alice never gets it.
        await alice.OpenAsync(chatId);
        await alice.Page.GetByTestId("chat-menu").ClickAsync();
        await alice.Page.GetByTestId("user-block").ClickAsync();
        await Expect(alice.Page.Locator("#chat-blocked")).ToContainTextAsync($"You blocked {bob.UserId}");
        await bob.Composer.FillAsync("Are you there?");
        await bob.Composer.PressAsync("Enter");
        await Expect(bob.Message("Are you there?")).ToHaveAttributeAsync("data-status", "failed");
        await Expect(bob.Message("Are you there?")).ToContainTextAsync("Not sent");

        // A refused change is told too, and leaves nothing behind: no reaction shows, on either side.
        var hi = bob.Message("Hi Bob");
        await hi.GetByTestId("message-react").ClickAsync();
        await hi.GetByTestId("emoji-option").Filter(new() { HasText = "🎉" }).ClickAsync();
        await Expect(bob.Page.GetByTestId("notice")).ToContainTextAsync("Not done");
        await Expect(hi.GetByTestId("reaction")).ToHaveCountAsync(0);
        await Expect(alice.Message("Hi Bob").GetByTestId("reaction")).ToHaveCountAsync(0);
        await fixture.ScreenshotAsync(bob.Page, $"blocked-{ChatPage.SizeName(!alicePhone)}");
        await fixture.ScreenshotAsync(alice.Page, $"blocker-{ChatPage.SizeName(alicePhone)}");

        // Unblock: the menu offers block again, and Bob's messages arrive.
        await alice.Page.GetByTestId("chat-menu").ClickAsync();
        await Expect(alice.Page.GetByTestId("user-block")).ToHaveCountAsync(0);
        await alice.Page.GetByTestId("user-unblock").ClickAsync();
        await Expect(alice.Page.Locator("#chat-blocked")).ToBeHiddenAsync();
        await bob.SendAsync("Back again");
        await Expect(alice.Message("Back again")).ToHaveAttributeAsync("data-seq", Seq);
        await Expect(alice.Message("Are you there?")).ToHaveCountAsync(0);
        await alice.Page.GetByTestId("chat-menu").ClickAsync();
        await Expect(alice.Page.GetByTestId("user-block")).ToBeVisibleAsync();
        await alice.Page.Context.CloseAsync();
        await bob.Page.Context.CloseAsync();
    }
}
