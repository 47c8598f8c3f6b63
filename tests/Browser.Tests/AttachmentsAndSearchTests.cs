using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OrleansChat.TestInfrastructure;
using static Microsoft.Playwright.Assertions;

namespace OrleansChat.BrowserTests;

/// <summary>
/// PROTOCOL.md 7 and 8 in the web client, by the data-testids of issue 13: the search box and a jump to a result in
/// its chat, attaching files (progress, a refused type), and attachments shown to the other member (an image as a
/// thumbnail that opens full size, a PDF as a link with its name and size); at a desktop and a phone size.
/// </summary>
public sealed class AttachmentsAndSearchTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Searching_finds_the_other_users_message_and_a_click_opens_its_chat_at_that_message_loading_the_history_back_to_it(bool phone)
    {
        fixture.SkipWithoutChromium();
        var aliceId = ChatPage.NewUserId("alice");
        var carolId = ChatPage.NewUserId("carol");
        using var bob = await ChatApi.SignInAsync(fixture.BaseAddress, ChatPage.NewUserId("bob"));
        using var carol = await ChatApi.SignInAsync(fixture.BaseAddress, carolId);
        var chatId = await bob.CreateGroupAsync("Planning", aliceId, carolId);
        await bob.SendAsync(chatId, "The quarterly numbers are in the blue folder");
        for (var i = 1; i <= 40; i++)
        {
            // More than the page an opened chat loads, so the message found is not held until history is loaded back
            // to it; two senders, each within the per-user send burst.
            await bob.SendAsync(chatId, $"Filler from bob {i}");
            await carol.SendAsync(chatId, $"Filler from carol {i}");
        }

        var alice = await ChatPage.SignInAsAsync(fixture, aliceId, phone);
        await Expect(alice.ChatItem(chatId)).ToBeVisibleAsync();
        var search = alice.Page.GetByTestId("search-input");
        await search.FillAsync("Quarterly FOLD");

        var results = alice.Page.GetByTestId("search-result");
        await Expect(results).ToHaveCountAsync(1);
        await Expect(results).ToHaveAttributeAsync("data-chat-id", chatId);
        await Expect(results).ToHaveAttributeAsync("data-seq", "1");
        await Expect(results).ToContainTextAsync("Planning");
        await Expect(results).ToContainTextAsync("The quarterly numbers are in the blue folder");
        Assert.Equal(["quarterly", "folder"], await results.Locator("mark").AllTextContentsAsync());
        await Expect(alice.ChatItem(chatId)).ToBeHiddenAsync();
        await fixture.ScreenshotAsync(alice.Page, $"search-results-{ChatPage.SizeName(phone)}");

        await results.ClickAsync();
        var found = alice.Page.Locator("#message-list [data-testid=message][data-seq='1']");
        await Expect(found).ToContainTextAsync("The quarterly numbers are in the blue folder");
        await Expect(found).ToHaveClassAsync(new Regex(@"\bfound\b"));
        await Expect(found).ToBeInViewportAsync();
        await Expect(alice.Page.Locator("#chat-title")).ToHaveTextAsync("Planning");
        await fixture.ScreenshotAsync(alice.Page, $"search-jump-{ChatPage.SizeName(phone)}");

        // Words nobody wrote: the panel says so. Emptying the box brings the chat list back.
        if (phone)
        {
            await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Back to chats" }).ClickAsync();
        }

        await search.FillAsync("zebra");
        await Expect(alice.Page.Locator("#search-status")).ToHaveTextAsync("No results");
        await Expect(results).ToHaveCountAsync(0);
        await search.FillAsync("");
        await Expect(alice.ChatItem(chatId)).ToBeVisibleAsync();
        await alice.Page.Context.CloseAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Files_attached_by_button_or_dropped_upload_with_their_progress_shown_and_can_be_removed_and_a_type_not_allowed_or_a_file_too_large_is_refused_clearly(bool phone)
    {
        fixture.SkipWithoutChromium();
        var alice = await ChatPage.SignInAsync(fixture, "alice", phone);
        await alice.CreateGroupAsync("Files", ChatPage.NewUserId("bob"));

        await alice.Page.GetByTestId("attach").SetInputFilesAsync(new FilePayload { Name = "chart.png", MimeType = "image/png", Buffer = SampleFiles.Png(64, 48) });
        var chip = alice.Page.Locator("#composer-attachments li").Filter(new() { HasText = "chart.png" });
        await Expect(chip.GetByTestId("upload-progress")).ToBeVisibleAsync();
        await Expect(chip.GetByTestId("upload-progress")).ToHaveAttributeAsync("value", "100");
        await Expect(chip).ToHaveAttributeAsync("data-status", "done");

        // A program named .png: the server reads the bytes, refuses it (415), and the chip says why.
        await alice.Page.GetByTestId("attach").SetInputFilesAsync(new FilePayload { Name = "holiday.png", MimeType = "image/png", Buffer = SampleFiles.Elf() });
        var refused = alice.Page.Locator("#composer-attachments li").Filter(new() { HasText = "holiday.png" });
        await Expect(refused.GetByTestId("upload-error")).ToHaveTextAsync("This type of file cannot be sent (images, PDF and plain text can).");
        await Expect(refused.GetByTestId("upload-progress")).ToHaveCountAsync(0);
        Assert.False(await alice.HasHorizontalScrollAsync());
        await fixture.ScreenshotAsync(alice.Page, $"upload-refused-{ChatPage.SizeName(phone)}");

        // A file over the server's limit: refused (413) without being stored, and the chip says why.
        await alice.Page.GetByTestId("attach").SetInputFilesAsync(new FilePayload { Name = "scan.pdf", MimeType = "application/pdf", Buffer = new byte[2 * ServerFixture.MaxAttachmentBytes] });
        var tooLarge = alice.Page.Locator("#composer-attachments li").Filter(new() { HasText = "scan.pdf" });
        await Expect(tooLarge.GetByTestId("upload-error")).ToHaveTextAsync("Too large to send: the file is over the server's size limit.");
        await tooLarge.GetByTestId("attachment-remove").ClickAsync();

        // A file dropped on the chat is attached the same way.
        var files = await alice.Page.EvaluateHandleAsync(
            "() => { const d = new DataTransfer(); d.items.add(new File(['Agenda: plans and numbers'], 'agenda.txt', { type: 'text/plain' })); return d; }");
        await alice.Page.Locator("#chat-view").DispatchEventAsync("drop", new Dictionary<string, object> { ["dataTransfer"] = files });
        var dropped = alice.Page.Locator("#composer-attachments li").Filter(new() { HasText = "agenda.txt" });
        await Expect(dropped).ToHaveAttributeAsync("data-status", "done");

        await refused.GetByTestId("attachment-remove").ClickAsync();
        await chip.GetByTestId("attachment-remove").ClickAsync();
        await dropped.GetByTestId("attachment-remove").ClickAsync();
        await Expect(alice.Page.Locator("#composer-attachments li")).ToHaveCountAsync(0);
        await Expect(alice.Page.Locator("#composer-attachments")).ToBeHiddenAsync();
        await alice.Page.Context.CloseAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_png_and_a_pdf_sent_together_show_the_other_member_a_thumbnail_that_opens_full_size_and_a_download_link_with_name_and_size(bool alicePhone)
    {
        fixture.SkipWithoutChromium();
        var alice = await ChatPage.SignInAsync(fixture, "alice", alicePhone);
        var bob = await ChatPage.SignInAsync(fixture, "bob", !alicePhone);
        var chatId = await alice.CreateGroupAsync("Plans", bob.UserId);
        var pdf = SampleFiles.Pdf();
        await alice.Page.GetByTestId("attach").SetInputFilesAsync(new[]
        {
            new FilePayload { Name = "floor-plan.png", MimeType = "image/png", Buffer = SampleFiles.Png(640, 480) },
            new FilePayload { Name = "plans.pdf", MimeType = "application/pdf", Buffer = pdf },
        });
        await Expect(alice.Page.Locator("#composer-attachments li[data-status=done]")).ToHaveCountAsync(2);
        await alice.Composer.FillAsync("Plans attached");
        await alice.Composer.PressAsync("Enter");
        await Expect(alice.Page.Locator("#composer-attachments")).ToBeHiddenAsync();
        await Expect(alice.Message("Plans attached").GetByTestId("attachment")).ToHaveCountAsync(2);

        await bob.OpenAsync(chatId);
        var message = bob.Message("Plans attached");
        var attachments = message.GetByTestId("attachment");
        await Expect(attachments).ToHaveCountAsync(2);
        // The server lists a message's attachments in the order they were uploaded, which two parallel uploads decide.
        var image = attachments.And(message.Locator("[data-content-type='image/png']"));
        var link = attachments.And(message.Locator("[data-content-type='application/pdf']"));
        await Expect(image).ToHaveCountAsync(1);
        await Expect(link).ToHaveCountAsync(1);

        // The thumbnail is the server's (at most 320 px on the longer side), fetched with Bob's token by the service worker.
        var thumbnail = image.GetByTestId("attachment-thumbnail");
        await Expect(thumbnail).ToHaveAttributeAsync("src", new Regex("^/api/v1/attachments/[^/]+/thumbnail$"));
        var thumbnailSize = await LoadedSizeAsync(bob.Page, thumbnail);
        Assert.Equal([320, 240], thumbnailSize);
        await fixture.ScreenshotAsync(bob.Page, $"attachments-{ChatPage.SizeName(!alicePhone)}-bob");

        await thumbnail.ClickAsync();
        var full = bob.Page.GetByTestId("attachment-full");
        await Expect(full).ToBeVisibleAsync();
        var fullSize = await LoadedSizeAsync(bob.Page, full);
        Assert.Equal([640, 480], fullSize);
        await fixture.ScreenshotAsync(bob.Page, $"attachment-viewer-{ChatPage.SizeName(!alicePhone)}-bob");
        await bob.Page.Locator("#image-close").ClickAsync();
        await Expect(full).ToBeHiddenAsync();

        await Expect(link.Locator(".attachment-name")).ToHaveTextAsync("plans.pdf");
        await Expect(link.Locator(".attachment-size")).ToHaveTextAsync($"{pdf.Length} B");
        await Expect(link).ToHaveAttributeAsync("download", "plans.pdf");
        var href = await link.GetAttributeAsync("href");
        var fetched = await bob.Page.EvaluateAsync<string>(
            "href => fetch(href).then(async r => `${r.status} ${r.headers.get('content-type')} ${(await r.text()).slice(0, 8)}`)", href);
        Assert.Equal("200 application/pdf %PDF-1.4", fetched);
        Assert.False(await bob.HasHorizontalScrollAsync());
        await fixture.ScreenshotAsync(alice.Page, $"attachments-{ChatPage.SizeName(alicePhone)}-alice");
        await alice.Page.Context.CloseAsync();
        await bob.Page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_file_sent_without_text_while_offline_waits_as_pending_then_reaches_the_other_member()
    {
        fixture.SkipWithoutChromium();
        var alice = await ChatPage.SignInAsync(fixture, "alice");
        var bob = await ChatPage.SignInAsync(fixture, "bob", phone: true);
        var chatId = await alice.CreateGroupAsync("Photos", bob.UserId);
        await alice.Page.GetByTestId("attach").SetInputFilesAsync(new FilePayload { Name = "sunset.png", MimeType = "image/png", Buffer = SampleFiles.Png(300, 200) });
        await Expect(alice.Page.Locator("#composer-attachments li[data-status=done]")).ToHaveCountAsync(1);

        await alice.Page.Context.SetOfflineAsync(true);
        await Expect(alice.Connection).ToHaveAttributeAsync("data-state", "offline");
        await alice.Page.GetByTestId("send").ClickAsync();
        await Expect(alice.Message("📎 1 file")).ToHaveAttributeAsync("data-status", "pending");
        await Expect(alice.Page.Locator("#composer-attachments")).ToBeHiddenAsync();

        await alice.Page.Context.SetOfflineAsync(false);
        await alice.ExpectConnectedAsync();
        var sent = alice.Messages.Filter(new() { Has = alice.Page.GetByTestId("attachment-thumbnail") });
        await Expect(sent).ToHaveAttributeAsync("data-seq", "1");
        await Expect(alice.Messages).ToHaveCountAsync(1);

        await bob.OpenAsync(chatId);
        var received = bob.Messages.Filter(new() { Has = bob.Page.GetByTestId("attachment-thumbnail") });
        await Expect(received).ToHaveAttributeAsync("data-seq", "1");
        await Expect(received.Locator(".text")).ToHaveTextAsync("");
        await Expect(received.GetByTestId("attachment")).ToHaveAttributeAsync("data-content-type", "image/png");
        var size = await LoadedSizeAsync(bob.Page, received.GetByTestId("attachment-thumbnail"));
        Assert.True(size[0] > 0 && size[1] > 0);
        await alice.Page.Context.CloseAsync();
        await bob.Page.Context.CloseAsync();
    }

    /// <summary>An image's decoded size, once it has loaded.</summary>
    private static async Task<int[]> LoadedSizeAsync(IPage page, ILocator image)
    {
        await page.WaitForFunctionAsync("img => img.complete && img.naturalWidth > 0", await image.ElementHandleAsync());
        return await image.EvaluateAsync<int[]>("img => [img.naturalWidth, img.naturalHeight]");
    }
}
