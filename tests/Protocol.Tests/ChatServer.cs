using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;
using Microsoft.AspNetCore.Builder;
using OrleansChat.TestInfrastructure;

namespace OrleansChat.ProtocolTests;

/// <summary>One real chat server (silo and gateway) on loopback, started the way the Silo starts.</summary>
public sealed class ChatServer : IAsyncDisposable
{
    public const string SigningKey = "protocol-tests-signing-key-0123456789-abcdefghij";

    private readonly InProcessChatServer _server;
    private readonly bool _ownsDirectory;
    private bool _stopped;

    private ChatServer(InProcessChatServer server, string dataDirectory, bool ownsDirectory)
    {
        _server = server;
        var baseAddress = server.BaseAddress;
        BaseAddress = baseAddress;
        DataDirectory = dataDirectory;
        _ownsDirectory = ownsDirectory;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }

    public string DataDirectory { get; }

    public HttpClient Http { get; }

    /// <summary>The server's services, its silo's among them.</summary>
    public IServiceProvider Services => _server.Services;

    public Tokens Tokens { get; } = new(SigningKey);

    public Uri WebSocketUri => new UriBuilder(BaseAddress) { Scheme = "ws", Path = "/ws" }.Uri;

    public static string NewDataDirectory() =>
        ScratchDirectory.Create("orleanschat-protocol-tests");

    /// <summary>Starts a server; <paramref name="settings"/> are extra configuration keys ("Key=value").</summary>
    public static Task<ChatServer> StartAsync(string? dataDirectory = null, params string[] settings) =>
        StartWithAsync(configure: null, dataDirectory, settings);

    /// <summary>Starts a server after <paramref name="configure"/> has had the builder.</summary>
    public static async Task<ChatServer> StartWithAsync(Action<WebApplicationBuilder>? configure, string? dataDirectory, params string[] settings)
    {
        var ownsDirectory = dataDirectory is null;
        var directory = dataDirectory ?? NewDataDirectory();
        var server = await InProcessChatServer.StartAsync(directory, SigningKey, settings, builder =>
        {
            // The exporter answers a scrape within 300 ms of the last one from its cache; tests that send and then
            // scrape must see what they sent, not the previous test's copy.
            builder.Services.Configure<PrometheusAspNetCoreOptions>(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
            configure?.Invoke(builder);
        });
        return new ChatServer(server, directory, ownsDirectory);
    }

    /// <summary>Sends a request as it is, without a token of its own.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request) =>
        Http.SendAsync(request, TestContext.Current.CancellationToken);

    /// <summary>GETs a path outside /api/v1 (health, metrics) without a token.</summary>
    public Task<HttpResponseMessage> GetAsync(string path) =>
        Http.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);

    public ChatUser NewUser(string name) => new(this, $"{name}-{Guid.NewGuid().ToString("N")[..12]}");

    public Uri Api(string path) => new(BaseAddress, $"/api/v1/{path}");

    public Task<ChatSocket> ConnectAsync(string? token, HttpMessageInvoker? invoker = null) =>
        ChatSocket.ConnectAsync(WebSocketUri, token, invoker);

    public Task<ChatSocket> ConnectWithQueryTokenAsync(string token) =>
        ChatSocket.ConnectAsync(new UriBuilder(WebSocketUri) { Query = $"access_token={Uri.EscapeDataString(token)}" }.Uri, null);

    /// <summary>Stops the server and keeps its data directory.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }
        _stopped = true;
        Http.Dispose();
        await _server.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (_ownsDirectory)
        {
            ScratchDirectory.Delete(DataDirectory);
        }
    }

}

/// <summary>The server every test of the shared collection uses; tests keep apart by using fresh user ids.</summary>
public sealed class ChatServerFixture : IAsyncLifetime
{
    public ChatServer Server { get; private set; } = null!;

    // The server runs in Production, where development tokens are served only when configured.
    public async ValueTask InitializeAsync() => Server = await ChatServer.StartAsync(null, "Auth:DevTokens=true");

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class SharedServer : ICollectionFixture<ChatServerFixture>
{
    public const string Name = "shared chat server";
}
