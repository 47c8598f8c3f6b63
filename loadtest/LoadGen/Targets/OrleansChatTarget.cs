using System.Net.Http.Json;
using System.Text.Json;

namespace OrleansChat.LoadGen.Targets;

/// <summary>OrleansChat through its public protocol: REST to create chats, <c>/ws</c> for everything else.</summary>
public sealed class OrleansChatTarget : ITarget
{
    private readonly Uri _baseAddress;
    private readonly TokenMinter? _minter;
    private readonly SourceAddresses _sources;
    private readonly ServerMemory _memory;
    private readonly HttpClient _http;
    private readonly bool _receiversOnEvents;

    /// <param name="signingKey">The server's <c>Auth:SigningKey</c>; without it tokens come from <c>/api/v1/auth/dev-token</c>.</param>
    /// <param name="receiversOnEvents">Receivers take <c>GET /api/v1/events</c> instead of <c>/ws</c>.</param>
    public OrleansChatTarget(Uri baseAddress, string? signingKey, SourceAddresses sources, int? serverPid, bool receiversOnEvents = false)
    {
        _receiversOnEvents = receiversOnEvents;
        _baseAddress = baseAddress;
        _minter = signingKey is null ? null : new TokenMinter(signingKey);
        _sources = sources;
        _memory = new ServerMemory(serverPid, new Uri(baseAddress, "/metrics"));
        _http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public string Name => "orleanschat";

    public async Task<string> CreateGroupAsync(string owner, IReadOnlyList<string> members, CancellationToken cancellationToken)
    {
        var chat = await PostAsync(owner, "api/v1/chats", new { title = $"load {owner}", members = members.Where(m => m != owner).ToArray() }, cancellationToken);
        return chat.GetProperty("chatId").GetString()!;
    }

    public async Task<string> CreateDirectAsync(string userA, string userB, CancellationToken cancellationToken)
    {
        var chat = await PostAsync(userA, "api/v1/chats/direct", new { userId = userB }, cancellationToken);
        return chat.GetProperty("chatId").GetString()!;
    }

    public async Task<IChatClient> ConnectAsync(string userId, IReadOnlyList<string> chats, Action<ReceivedMessage> onMessage, CancellationToken cancellationToken)
    {
        var uri = new UriBuilder(_baseAddress) { Scheme = _baseAddress.Scheme == "https" ? "wss" : "ws", Path = "/ws" }.Uri;
        return await ProtocolClient.ConnectAsync(uri, await TokenAsync(userId, cancellationToken), _sources.Next(), onMessage, cancellationToken);
    }

    public async Task<IChatClient> ConnectReceiverAsync(string userId, IReadOnlyList<string> chats, Action<ReceivedMessage> onMessage, CancellationToken cancellationToken)
    {
        if (!_receiversOnEvents)
        {
            return await ConnectAsync(userId, chats, onMessage, cancellationToken);
        }

        var uri = new Uri(_baseAddress, "/api/v1/events");
        return await EventStreamClient.ConnectAsync(uri, await TokenAsync(userId, cancellationToken), _sources.Next(), onMessage, cancellationToken);
    }

    /// <summary>A <c>/ws</c> connection whose every frame goes to <paramref name="onFrame"/> (the assistant scenario reads <c>chunk</c> frames).</summary>
    public async Task<OrleansChat.Client.ChatConnection> ConnectFramesAsync(string userId, OrleansChat.Client.ServerFrameHandler onFrame, CancellationToken cancellationToken)
    {
        var uri = new UriBuilder(_baseAddress) { Scheme = _baseAddress.Scheme == "https" ? "wss" : "ws", Path = "/ws" }.Uri;
        var options = new OrleansChat.Client.ChatConnectionOptions { AccessToken = await TokenAsync(userId, cancellationToken), Invoker = _sources.Next(), KeepAliveInterval = TimeSpan.Zero };
        return await OrleansChat.Client.ChatConnection.ConnectAsync(uri, options, onFrame, cancellationToken);
    }

    public Task<long?> ServerMemoryAsync(CancellationToken cancellationToken) => _memory.ReadAsync(cancellationToken);

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>A REST GET on the user's behalf; the answer's body as text (callers time the call without the parse).</summary>
    public async Task<string> GetTextAsync(string userId, string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new("Bearer", await TokenAsync(userId, cancellationToken));
        using var response = await _http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return response.IsSuccessStatusCode ? body : throw new TargetException($"GET {path} answered {(int)response.StatusCode}: {body}");
    }

    /// <summary>A REST POST of a JSON body on the user's behalf; the answer's body.</summary>
    public async Task<JsonElement> PostAsync(string userId, string path, object body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new("Bearer", await TokenAsync(userId, cancellationToken));
        using var response = await _http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new TargetException($"POST {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }

        return await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
    }

    private async Task<string> TokenAsync(string userId, CancellationToken cancellationToken)
    {
        if (_minter is not null)
        {
            return _minter.For(userId);
        }

        using var response = await _http.PostAsJsonAsync("api/v1/auth/dev-token", new { userId }, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new TargetException($"dev-token answered {(int)response.StatusCode}; give --signing-key");
        }

        var token = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        return token.GetProperty("accessToken").GetString()!;
    }
}
