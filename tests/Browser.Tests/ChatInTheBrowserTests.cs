using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace OrleansChat.BrowserTests;

/// <summary>Two people chat through the web client in two browser profiles, one of them on a phone.</summary>
public sealed class ChatInTheBrowserTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Two_users_create_a_group_exchange_messages_and_see_typing_and_receipts()
    {
        fixture.SkipWithoutChromium();
        var alice = await ChatPage.SignInAsync(fixture, "alice");
        var bob = await ChatPage.SignInAsync(fixture, "bob", phone: true);

        var chatId = await alice.CreateGroupAsync("Weekend trip", bob.UserId);
        await alice.SendAsync("Hello Bob, are you in?");

        // Bob's list shows the new group with one unread message; opening it shows the message and reads it.
        await Expect(bob.ChatItem(chatId)).ToContainTextAsync("Weekend trip");
        await Expect(bob.ChatItem(chatId).GetByTestId("unread-badge")).ToHaveTextAsync("1");
        await fixture.ScreenshotAsync(bob.Page, "phone-chat-list");
        await bob.OpenAsync(chatId);
        await Expect(bob.Message("Hello Bob, are you in?")).ToHaveAttributeAsync("data-sender", alice.UserId);
        await Expect(bob.ChatItem(chatId).GetByTestId("unread-badge")).ToHaveCountAsync(0);

        // Alice sees that Bob read it.
        await Expect(alice.Page.GetByTestId("seen")).ToContainTextAsync($"Seen by {bob.UserId}");

        // Bob types: Alice sees who is typing; Bob sends: the indicator goes and the message arrives.
        await bob.Composer.PressSequentiallyAsync("Sure");
        await Expect(alice.Typing).ToBeVisibleAsync();
        await Expect(alice.Typing).ToContainTextAsync($"{bob.UserId} is typing");
        await bob.Composer.PressSequentiallyAsync(", count me in!");
        await bob.Composer.PressAsync("Enter");
        await Expect(alice.Message("Sure, count me in!")).ToHaveAttributeAsync("data-sender", bob.UserId);
        await Expect(alice.Typing).ToBeHiddenAsync();

        // Shift+Enter makes a new line instead of sending.
        await alice.Composer.FillAsync("Great.");
        await alice.Composer.PressAsync("Shift+Enter");
        await alice.Composer.PressSequentiallyAsync("Leaving at nine.");
        await alice.Composer.PressAsync("Enter");
        await Expect(bob.Message("Leaving at nine.")).ToContainTextAsync("Great.\nLeaving at nine.");

        var rows = await bob.ReadMessagesAsync();
        Assert.Equal([1, 2, 3], rows.Select(r => r.Seq));
        Assert.Equal([alice.UserId, bob.UserId, alice.UserId], rows.Select(r => r.Sender));
        await Expect(alice.Page.GetByTestId("seen")).ToContainTextAsync(bob.UserId);

        await fixture.ScreenshotAsync(alice.Page, "desktop-group-chat");
        await fixture.ScreenshotAsync(bob.Page, "phone-group-chat");
        await alice.Page.Context.CloseAsync();
        await bob.Page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_reload_keeps_the_session_and_the_history()
    {
        fixture.SkipWithoutChromium();
        var alice = await ChatPage.SignInAsync(fixture, "alice");
        var chatId = await alice.StartDirectAsync(ChatPage.NewUserId("carol"));
        string[] texts = ["one", "two", "three"];
        foreach (var text in texts)
        {
            await alice.SendAsync(text);
        }

        await alice.Page.ReloadAsync();

        await Expect(alice.Page.GetByTestId("login-name")).ToBeHiddenAsync();
        await alice.ExpectConnectedAsync();
        await Expect(alice.ChatItem(chatId)).ToContainTextAsync("three");
        await alice.OpenAsync(chatId);
        await Expect(alice.Messages).ToHaveCountAsync(3);
        var rows = await alice.ReadMessagesAsync();
        Assert.Equal(texts, rows.Select(r => r.Text));
        Assert.Equal([1, 2, 3], rows.Select(r => r.Seq));
        await alice.Page.Context.CloseAsync();
    }

    [Fact]
    public async Task Messages_missed_while_offline_arrive_exactly_once_and_in_order()
    {
        fixture.SkipWithoutChromium();
        var alice = await ChatPage.SignInAsync(fixture, "alice");
        var bob = await ChatPage.SignInAsync(fixture, "bob", phone: true);
        var chatId = await alice.CreateGroupAsync("Offline test", bob.UserId);
        await alice.SendAsync("before");
        await bob.OpenAsync(chatId);
        await Expect(bob.Message("before")).ToBeVisibleAsync();

        await bob.Page.Context.SetOfflineAsync(true);
        await Expect(bob.Connection).ToHaveAttributeAsync("data-state", "offline");
        await Expect(bob.Connection).ToBeVisibleAsync();
        Assert.False(await bob.HasHorizontalScrollAsync());
        await fixture.ScreenshotAsync(bob.Page, "phone-offline");

        // Bob writes while offline: it waits as pending and goes out after the reconnect.
        await bob.Composer.FillAsync("written offline");
        await bob.Composer.PressAsync("Enter");
        await Expect(bob.Message("written offline")).ToHaveAttributeAsync("data-status", "pending");

        string[] missed = ["missed 1", "missed 2", "missed 3", "missed 4", "missed 5"];
        foreach (var text in missed)
        {
            await alice.SendAsync(text);
        }

        await bob.Page.Context.SetOfflineAsync(false);
        await bob.ExpectConnectedAsync();
        await Expect(bob.Message("missed 5")).ToBeVisibleAsync();
        await Expect(alice.Message("written offline")).ToHaveAttributeAsync("data-sender", bob.UserId);
        await Expect(bob.Message("written offline")).ToHaveAttributeAsync("data-seq", "7");
        await Expect(bob.Messages).ToHaveCountAsync(7);

        var rows = await bob.ReadMessagesAsync();
        Assert.Equal(["before", .. missed, "written offline"], rows.Select(r => r.Text));
        Assert.Equal([1, 2, 3, 4, 5, 6, 7], rows.Select(r => r.Seq));
        var alicesRows = await alice.ReadMessagesAsync();
        Assert.Equal(rows.Select(r => (r.Seq, r.Text)), alicesRows.Select(r => (r.Seq, r.Text)));
        await alice.Page.Context.CloseAsync();
        await bob.Page.Context.CloseAsync();
    }

    [Fact]
    public async Task Scrolling_up_loads_the_older_history()
    {
        fixture.SkipWithoutChromium();
        var userId = ChatPage.NewUserId("erin");
        using var api = await ChatApi.SignInAsync(fixture.BaseAddress, userId);
        var chatId = await api.CreateGroupAsync("Long history");
        for (var i = 1; i <= 45; i++)
        {
            await api.SendAsync(chatId, $"message {i}");
        }

        var erin = await ChatPage.SignInAsAsync(fixture, userId);
        await erin.OpenAsync(chatId);
        await Expect(erin.Message("message 45")).ToBeVisibleAsync();
        await Expect(erin.Messages).Not.ToHaveCountAsync(45);

        await erin.Page.Locator("#messages").EvaluateAsync("box => box.scrollTop = 0");

        await Expect(erin.Messages).ToHaveCountAsync(45);
        await Expect(erin.Page.GetByText("This is the beginning of the chat.")).ToBeVisibleAsync();
        var rows = await erin.ReadMessagesAsync();
        Assert.Equal(Enumerable.Range(1, 45), rows.Select(r => r.Seq));
        Assert.Equal(Enumerable.Range(1, 45).Select(i => $"message {i}"), rows.Select(r => r.Text));
        await erin.Page.Context.CloseAsync();
    }

    [Fact]
    public async Task Markup_in_a_message_shows_as_text()
    {
        fixture.SkipWithoutChromium();
        var alice = await ChatPage.SignInAsync(fixture, "alice");
        var bob = await ChatPage.SignInAsync(fixture, "bob");
        var dialogs = 0;
        bob.Page.Dialog += (_, dialog) => { dialogs++; _ = dialog.DismissAsync(); };
        var chatId = await alice.StartDirectAsync(bob.UserId);
        const string markup = "<img src=x onerror=alert(1)> <b>bold</b> <script>alert(2)</script>";

        await alice.SendAsync(markup);
        await bob.OpenAsync(chatId);

        await Expect(bob.Messages.Locator(".text")).ToHaveTextAsync(markup);
        await Expect(bob.Page.Locator("#message-list img, #message-list b, #message-list script")).ToHaveCountAsync(0);
        await Expect(bob.ChatItem(chatId)).ToContainTextAsync("<img src=x");
        Assert.Equal(0, dialogs);
        await alice.Page.Context.CloseAsync();
        await bob.Page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_direct_chat_shows_whether_the_other_side_is_online()
    {
        fixture.SkipWithoutChromium();
        var alice = await ChatPage.SignInAsync(fixture, "alice");
        var bob = await ChatPage.SignInAsync(fixture, "bob");
        var chatId = await alice.StartDirectAsync(bob.UserId);
        await Expect(alice.Presence).ToHaveAttributeAsync("data-status", "online");
        await Expect(bob.ChatItem(chatId)).ToBeVisibleAsync();

        await bob.Page.Context.CloseAsync();

        await Expect(alice.Presence).ToHaveAttributeAsync("data-status", "offline");
        await alice.Page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_phone_layout_has_no_horizontal_scroll()
    {
        fixture.SkipWithoutChromium();
        var page = await fixture.NewPageAsync(phone: true);
        await Expect(page.GetByTestId("login-name")).ToBeVisibleAsync();
        await fixture.ScreenshotAsync(page, "phone-sign-in");
        Assert.False(await new ChatPage(page, "").HasHorizontalScrollAsync());
        await page.Context.CloseAsync();

        var alice = await ChatPage.SignInAsync(fixture, "alice", phone: true);
        var chatId = await alice.CreateGroupAsync("A group with a rather long title that must not push the page wider", ChatPage.NewUserId("dave"));
        await alice.SendAsync(new string('w', 300));
        await alice.SendAsync("https://example.org/a/very/long/address/without/any/spaces/in/it/at/all/" + new string('x', 80));
        Assert.False(await alice.HasHorizontalScrollAsync());
        await fixture.ScreenshotAsync(alice.Page, "phone-long-messages");

        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Back to chats" }).ClickAsync();
        await Expect(alice.ChatItem(chatId)).ToBeVisibleAsync();
        Assert.False(await alice.HasHorizontalScrollAsync());

        await alice.Page.GetByTestId("new-group").ClickAsync();
        await Expect(alice.Page.GetByTestId("group-title")).ToBeVisibleAsync();
        Assert.False(await alice.HasHorizontalScrollAsync());
        await fixture.ScreenshotAsync(alice.Page, "phone-new-group");
        await alice.Page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_client_signs_in_and_connects_its_socket_without_breaking_its_content_security_policy()
    {
        fixture.SkipWithoutChromium();
        var page = await fixture.NewPageAsync();
        await page.Context.AddInitScriptAsync("""
            window.cspViolations = [];
            document.addEventListener('securitypolicyviolation', e => window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
            """);
        await page.ReloadAsync();
        var chat = new ChatPage(page, ChatPage.NewUserId("alice"));

        await page.GetByTestId("login-name").FillAsync(chat.UserId);
        await page.GetByTestId("login-submit").ClickAsync();
        await chat.ExpectConnectedAsync();

        Assert.Empty(await page.EvaluateAsync<string[]>("window.cspViolations"));
    }
}
