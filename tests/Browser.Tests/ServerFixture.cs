using OrleansChat.TestInfrastructure;

namespace OrleansChat.BrowserTests;

/// <summary>
/// A real chat server (silo and gateway, as <c>dotnet run --project Silo</c> starts it) on loopback, serving the web
/// client. Needs no browser: what an HTTP client can check runs wherever the tests run.
/// </summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private const string SigningKey = "browser-tests-signing-key-0123456789-abcdefghijkl";

    private InProcessChatServer? _server;
    private string? _dataDirectory;

    public const int MaxAttachmentBytes = 1024 * 1024;

    public Uri BaseAddress { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _dataDirectory = ScratchDirectory.Create("orleanschat-browser-tests");
        // The sign-in form asks for development tokens, which a server outside Development serves only when configured.
        // Attachments over 1 MiB are refused here, so a test shows a refusal without sending the default's 25 MiB.
        _server = await InProcessChatServer.StartAsync(_dataDirectory, SigningKey, ["Auth:DevTokens=true", $"Attachments:MaxBytes={MaxAttachmentBytes}"]);
        BaseAddress = _server.BaseAddress;
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (_dataDirectory is not null)
        {
            ScratchDirectory.Delete(_dataDirectory);
        }
    }
}
