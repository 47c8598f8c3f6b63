using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace OrleansChat.BrowserTests;

/// <summary>One person's browser tab on the chat client, in the words of the page's data-testid contract.</summary>
public sealed class ChatPage(IPage page, string userId)
{
    public IPage Page { get; } = page;

    public string UserId { get; } = userId;

    public ILocator Connection => Page.GetByTestId("connection-status");

    public ILocator Messages => Page.GetByTestId("message");

    public ILocator Composer => Page.GetByTestId("composer");

    public ILocator Typing => Page.GetByTestId("typing");

    public ILocator Presence => Page.GetByTestId("presence");

    public ILocator ChatItem(string chatId) => Page.Locator($"[data-testid=chat-item][data-chat-id=\"{chatId}\"]");

    public ILocator Message(string text) => Messages.Filter(new LocatorFilterOptions { HasText = text });

    /// <summary>The viewport's name in screenshot names.</summary>
    public static string SizeName(bool phone) => phone ? "phone" : "desktop";

    public static string NewUserId(string name) => $"{name}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Signs in a new user whose id starts with <paramref name="name"/>.</summary>
    public static Task<ChatPage> SignInAsync(BrowserFixture fixture, string name, bool phone = false) =>
        SignInAsAsync(fixture, NewUserId(name), phone);

    public static async Task<ChatPage> SignInAsAsync(BrowserFixture fixture, string userId, bool phone = false) =>
        await SignInOnAsync(await fixture.NewPageAsync(phone), userId);

    /// <summary>Signs in on a page made already (a test that routes the page's traffic does so before it connects).</summary>
    public static async Task<ChatPage> SignInOnAsync(IPage page, string userId)
    {
        var chat = new ChatPage(page, userId);
        await page.GetByTestId("login-name").FillAsync(chat.UserId);
        await page.GetByTestId("login-submit").ClickAsync();
        await chat.ExpectConnectedAsync();
        return chat;
    }

    public Task ExpectConnectedAsync() => Expect(Connection).ToHaveAttributeAsync("data-state", "connected");

    /// <summary>Creates a group through the dialog; returns its chat id once it is open.</summary>
    public async Task<string> CreateGroupAsync(string title, params string[] members)
    {
        await Page.GetByTestId("new-group").ClickAsync();
        await Page.GetByTestId("group-title").FillAsync(title);
        await Page.GetByTestId("group-members").FillAsync(string.Join(", ", members));
        await Page.GetByTestId("group-create").ClickAsync();
        await Expect(Page.Locator("#chat-title")).ToHaveTextAsync(title);
        return await OpenChatIdAsync();
    }

    public async Task<string> StartDirectAsync(string userId)
    {
        await Page.GetByTestId("new-direct").ClickAsync();
        await Page.GetByTestId("direct-user").FillAsync(userId);
        await Page.GetByTestId("direct-start").ClickAsync();
        await Expect(Page.Locator("#chat-title")).ToHaveTextAsync(userId);
        return await OpenChatIdAsync();
    }

    public async Task OpenAsync(string chatId)
    {
        if (await Page.Locator("#shell[data-view=chat]").CountAsync() > 0 && !await ChatItem(chatId).IsVisibleAsync())
        {
            // A phone shows the list or the chat: back to the list first.
            await Page.GetByRole(AriaRole.Button, new() { Name = "Back to chats" }).ClickAsync();
        }

        await ChatItem(chatId).ClickAsync();
        await Expect(Composer).ToBeVisibleAsync();
    }

    /// <summary>Types and presses Enter, then waits until the server has acknowledged and delivered it.</summary>
    public async Task SendAsync(string text)
    {
        await Composer.FillAsync(text);
        await Composer.PressAsync("Enter");
        // Only this user's messages: a reply that quotes the text (the assistant's help names "help") may land first.
        var sent = Page.Locator($"[data-testid=message][data-sender=\"{UserId}\"]").Filter(new() { HasText = text }).Last;
        await Expect(sent).ToHaveAttributeAsync("data-seq", new System.Text.RegularExpressions.Regex("^[0-9]+$"));
    }

    /// <summary>Goes back to the chat list (a phone shows one or the other; a desktop both, and nothing changes).</summary>
    public async Task ShowListAsync(string chatId)
    {
        if (!await ChatItem(chatId).IsVisibleAsync())
        {
            await Page.GetByRole(AriaRole.Button, new() { Name = "Back to chats" }).ClickAsync();
        }

        await Expect(ChatItem(chatId)).ToBeVisibleAsync();
    }

    public async Task<string> OpenChatIdAsync()
    {
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("#chat="));
        var hash = await Page.EvaluateAsync<string>("() => new URLSearchParams(location.hash.slice(1)).get('chat')");
        return hash;
    }

    /// <summary>The texts of the messages shown, top to bottom, with their seqs.</summary>
    public Task<MessageRow[]> ReadMessagesAsync() => Page.EvaluateAsync<MessageRow[]>("""
        () => [...document.querySelectorAll('[data-testid=message]')].map(m => ({
          seq: Number(m.dataset.seq), sender: m.dataset.sender, text: m.querySelector('.text').textContent }))
        """);

    public Task<bool> HasHorizontalScrollAsync() =>
        Page.EvaluateAsync<bool>("() => document.scrollingElement.scrollWidth > window.innerWidth");

    /// <summary>A message as the page shows it (a class with setters: Playwright fills it from the page's JSON).</summary>
    public sealed class MessageRow
    {
        public int Seq { get; set; }

        public string Sender { get; set; } = "";

        public string Text { get; set; } = "";
    }
}
