using Microsoft.Playwright;

namespace OrleansChat.BrowserTests;

/// <summary>
/// A real chat server (<see cref="ServerFixture"/>) and Debian's Chromium driven by Playwright. Shared by the tests
/// of a class; tests keep apart by fresh user names.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
    ];

    private ServerFixture? _server;
    private IPlaywright? _playwright;

    /// <summary>Why the browser tests cannot run here, or null when they can.</summary>
    public string? SkipReason { get; private set; }

    /// <summary>Reports the test as skipped, with the reason, when there is no Chromium to run it in.</summary>
    public void SkipWithoutChromium()
    {
        if (SkipReason is { } reason)
        {
            Assert.Skip(reason);
        }
    }

    public Uri BaseAddress { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Screenshots go to the test output folder, never into the repository.</summary>
    public string ScreenshotDirectory { get; } = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots")).FullName;

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            SkipReason = $"Chromium is not installed at {ChromiumPath} (apt-get install chromium); the browser tests need it.";
            return;
        }

        _server = new ServerFixture();
        await _server.InitializeAsync();
        BaseAddress = _server.BaseAddress;

        Assertions.SetDefaultExpectTimeout(15_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    /// <summary>A fresh browser profile (its own storage) at a desktop or a phone viewport.</summary>
    public async Task<IPage> NewPageAsync(bool phone = false)
    {
        var context = await Browser.NewContextAsync(phone
            ? new BrowserNewContextOptions
            {
                ViewportSize = new ViewportSize { Width = 390, Height = 844 },
                DeviceScaleFactor = 2,
                IsMobile = true,
                HasTouch = true,
            }
            : new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        // The page's own errors go to the test's output, where a failure's reason is looked for.
        var output = TestContext.Current.TestOutputHelper;
        page.PageError += (_, error) => output?.WriteLine($"page error: {error}");
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                output?.WriteLine($"console {message.Type}: {message.Text}");
            }
        };
        await page.GotoAsync(BaseAddress.ToString());
        return page;
    }

    public async Task ScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(ScreenshotDirectory, $"{name}.png");
        var png = await page.ScreenshotAsync(new PageScreenshotOptions { Path = path });
        TestContext.Current.AddAttachment($"{name}.png", png, "image/png");
        TestContext.Current.TestOutputHelper?.WriteLine($"screenshot: {path}");
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
