using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansChat.Client;
using OrleansChat.TestInfrastructure;
using ChatClient = OrleansChat.Client.ChatClient;

namespace OrleansChat.ClientTests;

using ChatMessage = OrleansChat.Client.ChatMessage;

/// <summary>
/// A real chat server (silo and gateway in this process) over a data directory of the test's own, which can be
/// stopped and started again on the same data, and the client library's <see cref="ChatClient"/>s that talk to it
/// through a <see cref="ControlledNetwork"/>.
/// </summary>
public sealed class ClientTestServer : IAsyncDisposable
{
    private const string SigningKey = "client-tests-signing-key-0123456789-abcdefghij";

    /// <summary>The upload limit of these tests, small so that a test can pass it.</summary>
    public const long MaxAttachmentBytes = 1024 * 1024;

    // Bursts of pipelined sends are the point of these tests, not the rate limits.
    private static readonly string[] Settings =
    [
        "RateLimit:SendsPerSecond=100000", "RateLimit:Burst=100000", "RateLimit:FramesPerSecond=100000", "RateLimit:FrameBurst=100000",
        $"Attachments:MaxBytes={MaxAttachmentBytes}",
    ];

    private readonly string _directory = ScratchDirectory.Create("orleanschat-client-tests");
    private readonly Tokens _tokens = new(SigningKey);
    private readonly List<ChatClient> _clients = [];
    private InProcessChatServer? _server;

    private ClientTestServer()
    {
    }

    public ControlledNetwork Network { get; private set; } = null!;

    public static async Task<ClientTestServer> StartAsync()
    {
        var server = new ClientTestServer();
        await server.StartAgainAsync();
        server.Network = new ControlledNetwork(server._server!.BaseAddress.Port);
        return server;
    }

    public Uri BaseAddress => _server!.BaseAddress;

    public static string NewUserId(string name) => $"{name}-{Guid.NewGuid().ToString("N")[..12]}";

    /// <summary>Stops the server; its data stays.</summary>
    public async Task StopAsync()
    {
        await _server!.StopAsync();
        await _server.DisposeAsync();
        _server = null;
    }

    /// <summary>Starts a server on the same data; the network sends new connections to its port.</summary>
    public async Task StartAgainAsync()
    {
        _server = await InProcessChatServer.StartAsync(_directory, SigningKey, Settings);
        if (Network is not null)
        {
            Network.Port = _server.BaseAddress.Port;
        }
    }

    /// <summary>A started client of <paramref name="userId"/>, its connections through <see cref="Network"/>.</summary>
    public async Task<ChatClient> StartClientAsync(string userId)
    {
        var client = new ChatClient(new ChatClientOptions
        {
            Server = BaseAddress,
            AccessTokenProvider = _ => ValueTask.FromResult(_tokens.For(userId)),
            Invoker = Network.Invoker,
            ReconnectDelay = TimeSpan.FromMilliseconds(100),
            MaxReconnectDelay = TimeSpan.FromSeconds(1),
        });
        _clients.Add(client);
        await client.StartAsync(TestContext.Current.CancellationToken);
        return client;
    }

    /// <summary>A client of <paramref name="userId"/> that was not started: REST calls need no connection.</summary>
    public ChatClient NewClient(string userId)
    {
        var client = new ChatClient(new ChatClientOptions
        {
            Server = BaseAddress,
            AccessTokenProvider = _ => ValueTask.FromResult(_tokens.For(userId)),
            Invoker = Network.Invoker,
        });
        _clients.Add(client);
        return client;
    }

    /// <summary>A bare connection of <paramref name="userId"/>, without reconnects.</summary>
    public Task<ChatConnection> ConnectAsync(string userId, ServerFrameHandler? onFrame = null) =>
        ChatConnection.ConnectAsync(
            new UriBuilder(BaseAddress) { Scheme = "ws", Path = "/ws" }.Uri,
            new ChatConnectionOptions { AccessToken = _tokens.For(userId) }, onFrame, TestContext.Current.CancellationToken);

    public async Task<string> CreateGroupAsync(string owner, params string[] members)
    {
        var chat = await PostAsync(owner, "chats", new { title = "Team", members });
        return chat.GetProperty("chatId").GetString()!;
    }

    public async Task<long> PostMessageAsync(string userId, string chatId, string content)
    {
        var ack = await PostAsync(userId, $"chats/{Uri.EscapeDataString(chatId)}/messages", new { clientMsgId = Guid.NewGuid().ToString(), content });
        return ack.GetProperty("seq").GetInt64();
    }

    /// <summary>A page of <c>GET /chats/{chatId}/messages</c>, read by the library.</summary>
    public async Task<IReadOnlyList<ChatMessage>> HistoryAsync(string userId, string chatId)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/chats/{Uri.EscapeDataString(chatId)}/messages?limit=500");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _tokens.For(userId));
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"GET messages: {(int)response.StatusCode} {text}");
        using var document = JsonDocument.Parse(text);
        return [.. document.RootElement.GetProperty("messages").EnumerateArray().Select(ChatMessage.FromJson)];
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        if (_server is not null)
        {
            await StopAsync();
        }

        Network.Dispose();
        ScratchDirectory.Delete(_directory);
    }

    private async Task<JsonElement> PostAsync(string userId, string path, object body)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/{path}") { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _tokens.For(userId));
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {text}");
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}
