using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace OrleansChat.BrowserTests;

/// <summary>
/// PROTOCOL.md 6.1-6.3 in the web client, by the data-testids of issue 12: two people in two browser profiles, one at
/// a desktop size and one at a phone size (each test runs both ways round), edit, delete, react and reply; a reload
/// and older history show the same state. The chat list's badges and the chat menu: <see cref="ChatListAndMenuTests"/>.
/// </summary>
public sealed class MessageChangesTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Edits_reactions_replies_and_deletes_change_the_one_message_they_target_for_both_users_and_after_a_reload(bool alicePhone)
    {
        fixture.SkipWithoutChromium();
        var alice = await ChatPage.SignInAsync(fixture, "alice", alicePhone);
        var bob = await ChatPage.SignInAsync(fixture, "bob", !alicePhone);
        var chatId = await alice.CreateGroupAsync("Lunch", bob.UserId);
        await alice.SendAsync("Lunch at noon?");
        await bob.OpenAsync(chatId);
        await Expect(bob.Message("Lunch at noon?")).ToHaveAttributeAsync("data-seq", "1");

        // Alice edits: the text goes into the composer, and Enter changes the message in place for both.
        await alice.Page.Locator("[data-testid=message][data-seq='1']").GetByTestId("message-edit").ClickAsync();
        await Expect(alice.Composer).ToHaveValueAsync("Lunch at noon?");
        await Expect(alice.Page.GetByTestId("edit-cancel")).ToBeVisibleAsync();
        await alice.Composer.FillAsync("Lunch at one?");
        await alice.Composer.PressAsync("Enter");
        await Expect(alice.Page.GetByTestId("edit-cancel")).ToHaveCountAsync(0);
        await Expect(alice.Composer).ToHaveValueAsync("");
        foreach (var page in new[] { alice, bob })
        {
            var edited = page.Page.Locator("[data-testid=message][data-seq='1']");
            await Expect(edited.Locator(".text")).ToHaveTextAsync("Lunch at one?");
            await Expect(edited.GetByTestId("message-edited")).ToBeVisibleAsync();
            await Expect(page.Messages).ToHaveCountAsync(1);
        }

        // Only the sender edits: Bob has no edit and, not being the owner, no delete on Alice's message.
        var bobsView = bob.Page.Locator("[data-testid=message][data-seq='1']");
        await Expect(bobsView.GetByTestId("message-edit")).ToHaveCountAsync(0);
        await Expect(bobsView.GetByTestId("message-delete")).ToHaveCountAsync(0);

        // Bob reacts through the picker, Alice too: each sees the count of both; Bob takes his back by clicking it.
        await bobsView.GetByTestId("message-react").ClickAsync();
        await Expect(bobsView.GetByTestId("emoji-option")).ToHaveCountAsync(8);
        await fixture.ScreenshotAsync(bob.Page, $"picker-{ChatPage.SizeName(!alicePhone)}");
        await bobsView.GetByTestId("emoji-option").Filter(new() { HasText = "👍" }).ClickAsync();
        await Expect(bob.Page.GetByTestId("emoji-option")).ToHaveCountAsync(0);
        var alicesView = alice.Page.Locator("[data-testid=message][data-seq='1']");
        await Expect(alicesView.GetByTestId("reaction")).ToHaveTextAsync("👍 1");
        await alicesView.GetByTestId("message-react").ClickAsync();
        await alicesView.GetByTestId("emoji-option").Filter(new() { HasText = "👍" }).ClickAsync();
        await Expect(bobsView.GetByTestId("reaction")).ToHaveTextAsync("👍 2");
        await Expect(alicesView.GetByTestId("reaction")).ToHaveTextAsync("👍 2");
        await bobsView.GetByTestId("reaction").ClickAsync();
        await Expect(alicesView.GetByTestId("reaction")).ToHaveTextAsync("👍 1");
        await Expect(bobsView.GetByTestId("reaction")).ToHaveTextAsync("👍 1");
        await Expect(bobsView.GetByTestId("reaction")).ToHaveAttributeAsync("aria-pressed", "false");

        // Bob replies: the quoted message shows above the composer, then inside his reply for both.
        await bobsView.GetByTestId("message-reply").ClickAsync();
        await Expect(bob.Page.GetByTestId("reply-cancel")).ToBeVisibleAsync();
        await Expect(bob.Page.Locator("#composer-context")).ToContainTextAsync("Lunch at one?");
        await bob.Composer.FillAsync("Works for me");
        await fixture.ScreenshotAsync(bob.Page, $"replying-{ChatPage.SizeName(!alicePhone)}");
        await bob.SendAsync("Works for me");
        await Expect(bob.Page.GetByTestId("reply-cancel")).ToHaveCountAsync(0);
        foreach (var page in new[] { alice, bob })
        {
            await Expect(page.Message("Works for me").GetByTestId("reply-preview")).ToContainTextAsync("Lunch at one?");
        }

        // Alice deletes a message of hers: a tombstone for both, its text and reactions gone, still one element.
        await alice.SendAsync("Wrong chat, sorry");
        var wrong = alice.Message("Wrong chat, sorry");
        var wrongSeq = await wrong.GetAttributeAsync("data-seq");
        await Expect(bob.Message("Wrong chat, sorry")).ToHaveCountAsync(1);
        await wrong.GetByTestId("message-delete").ClickAsync();
        foreach (var page in new[] { alice, bob })
        {
            var deleted = page.Page.Locator($"[data-testid=message][data-seq='{wrongSeq}']");
            await Expect(deleted.GetByTestId("message-deleted")).ToBeVisibleAsync();
            await Expect(deleted).Not.ToContainTextAsync("Wrong chat");
            await Expect(deleted.GetByTestId("message-delete")).ToHaveCountAsync(0);
            await Expect(page.Messages).ToHaveCountAsync(3);
            Assert.False(await page.HasHorizontalScrollAsync());
        }

        await fixture.ScreenshotAsync(alice.Page, $"changes-{ChatPage.SizeName(alicePhone)}-alice");
        await fixture.ScreenshotAsync(bob.Page, $"changes-{ChatPage.SizeName(!alicePhone)}-bob");

        // A reload rebuilds the same state from history: one element per text, changes applied.
        await bob.Page.ReloadAsync();
        await bob.ExpectConnectedAsync();
        await bob.OpenAsync(chatId);
        await Expect(bob.Messages).ToHaveCountAsync(3);
        var rows = await bob.ReadMessagesAsync();
        Assert.Equal(["Lunch at one?", "Works for me", "This message was deleted"], rows.Select(r => r.Text));
        await Expect(bobsView.GetByTestId("message-edited")).ToBeVisibleAsync();
        await Expect(bobsView.GetByTestId("reaction")).ToHaveTextAsync("👍 1");
        await Expect(bob.Message("Works for me").GetByTestId("reply-preview")).ToContainTextAsync("Lunch at one?");
        await Expect(bob.Page.Locator($"[data-testid=message][data-seq='{wrongSeq}']").GetByTestId("message-deleted")).ToBeVisibleAsync();
        await fixture.ScreenshotAsync(bob.Page, $"changes-{ChatPage.SizeName(!alicePhone)}-bob-after-reload");
        await alice.Page.Context.CloseAsync();
        await bob.Page.Context.CloseAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_group_owner_deletes_a_members_message_for_everyone(bool ownerPhone)
    {
        fixture.SkipWithoutChromium();
        var owner = await ChatPage.SignInAsync(fixture, "olga", ownerPhone);
        var bob = await ChatPage.SignInAsync(fixture, "bob", !ownerPhone);
        var chatId = await owner.CreateGroupAsync("Moderated", bob.UserId);
        await bob.OpenAsync(chatId);
        await bob.SendAsync("Spam spam spam");
        var seq = await bob.Message("Spam spam spam").GetAttributeAsync("data-seq");

        // Up in the empty composer edits one's last message; Escape leaves the edit with the composer as it was.
        await bob.Composer.PressAsync("ArrowUp");
        await Expect(bob.Composer).ToHaveValueAsync("Spam spam spam");
        await Expect(bob.Page.GetByTestId("edit-cancel")).ToBeVisibleAsync();
        await bob.Composer.PressAsync("Escape");
        await Expect(bob.Page.GetByTestId("edit-cancel")).ToHaveCountAsync(0);
        await Expect(bob.Composer).ToHaveValueAsync("");
        await Expect(bob.Composer).ToBeVisibleAsync();

        var ownersView = owner.Page.Locator($"[data-testid=message][data-seq='{seq}']");
        await Expect(ownersView.GetByTestId("message-edit")).ToHaveCountAsync(0);
        await ownersView.GetByTestId("message-delete").ClickAsync();

        var bobsView = bob.Page.Locator($"[data-testid=message][data-seq='{seq}']");
        await Expect(bobsView.GetByTestId("message-deleted")).ToBeVisibleAsync();
        await Expect(bobsView).Not.ToContainTextAsync("Spam");
        await Expect(ownersView.GetByTestId("message-deleted")).ToBeVisibleAsync();
        await fixture.ScreenshotAsync(bob.Page, $"owner-deleted-{ChatPage.SizeName(!ownerPhone)}");
        await owner.Page.Context.CloseAsync();
        await bob.Page.Context.CloseAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Older_history_shows_each_text_in_its_current_state_after_changes_made_over_REST(bool phone)
    {
        fixture.SkipWithoutChromium();
        var userId = ChatPage.NewUserId("erin");
        using var api = await ChatApi.SignInAsync(fixture.BaseAddress, userId);
        var chatId = await api.CreateGroupAsync("Changed history");
        var first = await api.PostAsync(chatId, new { clientMsgId = Guid.NewGuid().ToString(), content = "first draft" });
        var gone = await api.PostAsync(chatId, new { clientMsgId = Guid.NewGuid().ToString(), content = "to be deleted" });
        await api.PostAsync(chatId, new { clientMsgId = Guid.NewGuid().ToString(), kind = "edit", target = first, content = "final text" });
        await api.PostAsync(chatId, new { clientMsgId = Guid.NewGuid().ToString(), kind = "reaction", target = first, content = "🎉" });
        await api.PostAsync(chatId, new { clientMsgId = Guid.NewGuid().ToString(), kind = "delete", target = gone });
        for (var i = 1; i <= 40; i++)
        {
            await api.SendAsync(chatId, $"filler {i}");
        }

        // The first texts are past the page's first sync: they come from history, with their changes applied.
        var erin = await ChatPage.SignInAsAsync(fixture, userId, phone);
        await erin.OpenAsync(chatId);
        await Expect(erin.Message("filler 40")).ToBeVisibleAsync();
        await erin.Page.Locator("#messages").EvaluateAsync("box => box.scrollTop = 0");
        await Expect(erin.Messages).ToHaveCountAsync(42);
        var firstView = erin.Page.Locator($"[data-testid=message][data-seq='{first}']");
        await Expect(firstView.Locator(".text")).ToHaveTextAsync("final text");
        await Expect(firstView.GetByTestId("message-edited")).ToBeVisibleAsync();
        await Expect(firstView.GetByTestId("reaction")).ToHaveTextAsync("🎉 1");
        await Expect(firstView.GetByTestId("reaction")).ToHaveAttributeAsync("aria-pressed", "true");
        var goneView = erin.Page.Locator($"[data-testid=message][data-seq='{gone}']");
        await Expect(goneView.GetByTestId("message-deleted")).ToBeVisibleAsync();
        await Expect(goneView).Not.ToContainTextAsync("to be deleted");
        await fixture.ScreenshotAsync(erin.Page, $"history-{ChatPage.SizeName(phone)}");
        await erin.Page.Context.CloseAsync();
    }
}
