using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using OrleansChat.Silo;

namespace OrleansChat.ProtocolTests;

/// <summary>One real chat server (silo and gateway) on loopback, started the way the Silo starts.</summary>
public sealed class ChatServer : IAsyncDisposable
{
    public const string SigningKey = "protocol-tests-signing-key-0123456789-abcdefghij";

    private readonly WebApplication _app;
    private readonly bool _ownsDirectory;
    private bool _stopped;

    private ChatServer(WebApplication app, Uri baseAddress, string dataDirectory, bool ownsDirectory)
    {
        _app = app;
        BaseAddress = baseAddress;
        DataDirectory = dataDirectory;
        _ownsDirectory = ownsDirectory;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }

    public string DataDirectory { get; }

    public HttpClient Http { get; }

    public Tokens Tokens { get; } = new(SigningKey);

    public Uri WebSocketUri => new UriBuilder(BaseAddress) { Scheme = "ws", Path = "/ws" }.Uri;

    public static string NewDataDirectory() =>
        Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "orleanschat-protocol-tests", Guid.NewGuid().ToString("N"))).FullName;

    /// <summary>Starts a server; <paramref name="settings"/> are extra configuration keys ("Key=value").</summary>
    public static Task<ChatServer> StartAsync(string? dataDirectory = null, params string[] settings) =>
        StartWithAsync(configure: null, dataDirectory, settings);

    /// <summary>Starts a server after <paramref name="configure"/> has had the builder.</summary>
    public static async Task<ChatServer> StartWithAsync(Action<WebApplicationBuilder>? configure, string? dataDirectory, params string[] settings)
    {
        var ownsDirectory = dataDirectory is null;
        var directory = dataDirectory ?? NewDataDirectory();
        string[] args =
        [
            "--urls=http://127.0.0.1:0",
            $"--Storage:DataDirectory={directory}",
            $"--Orleans:SiloPort={FreePort()}",
            $"--Orleans:GatewayPort={FreePort()}",
            $"--Auth:SigningKey={SigningKey}",
            "--Logging:LogLevel:Default=Warning",
            .. settings.Select(s => $"--{s}"),
        ];
        var app = ChatApplication.Build(args, configure);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ChatServer(app, new Uri(address), directory, ownsDirectory);
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
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (_ownsDirectory)
        {
            DeleteDirectory(DataDirectory);
        }
    }

    public static void DeleteDirectory(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

/// <summary>The server every test of the shared collection uses; tests keep apart by using fresh user ids.</summary>
public sealed class ChatServerFixture : IAsyncLifetime
{
    public ChatServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Server = await ChatServer.StartAsync();

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class SharedServer : ICollectionFixture<ChatServerFixture>
{
    public const string Name = "shared chat server";
}
