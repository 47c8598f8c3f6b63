using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using OrleansChat.Client;
using Xunit;

namespace OrleansChat.TestInfrastructure;

/// <summary>
/// A user speaking PROTOCOL.md to one node (a silo serving the gateway, or a standalone gateway) from outside its
/// process: REST, and one connection of the client library (<see cref="ChatConnection"/>) whose frames a test reads
/// as JSON, with a development token or one minted with the node's signing key.
/// </summary>
public sealed class ChatClient : IAsyncDisposable
{
    private readonly Channel<JsonElement> _frames = Channel.CreateUnbounded<JsonElement>();
    private readonly HttpClient _http;
    private ChatConnection? _connection;

    private ChatClient(string userId, string token, Uri node)
    {
        UserId = userId;
        Token = token;
        Node = node;
        _http = new HttpClient { BaseAddress = node, Timeout = TimeSpan.FromSeconds(30) };
        _http.DefaultRequestHeaders.Authorization = new("Bearer", token);
    }

    public string UserId { get; }

    public string Token { get; }

    public Uri Node { get; }

    /// <summary>The first frame of the connection.</summary>
    public JsonElement Welcome { get; private set; }

    /// <summary>Connects with a token from the node's <c>POST /api/v1/auth/dev-token</c>, sent in the query as a browser does.</summary>
    public static async Task<ChatClient> ConnectAsync(string userId, Uri node)
    {
        using var http = new HttpClient { BaseAddress = node };
        using var response = await http.PostAsJsonAsync("/api/v1/auth/dev-token", new { userId });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
        return await OpenAsync(new ChatClient(userId, token, node), tokenInQuery: true);
    }

    /// <summary>Connects with a token minted with <paramref name="signingKey"/>, as any issuer sharing the key would, in the header.</summary>
    public static Task<ChatClient> ConnectAsync(string userId, Uri node, string signingKey) =>
        OpenAsync(new ChatClient(userId, new Tokens(signingKey).For(userId), node), tokenInQuery: false);

    private static async Task<ChatClient> OpenAsync(ChatClient client, bool tokenInQuery)
    {
        var options = new ChatConnectionOptions { AccessToken = client.Token, TokenInQuery = tokenInQuery, ConnectTimeout = TimeSpan.FromSeconds(30) };
        var frames = client._frames.Writer;
        client._connection = await ChatConnection.ConnectAsync(
            new UriBuilder(client.Node) { Scheme = "ws", Path = "/ws" }.Uri, options, (in ServerFrame frame) =>
            {
                frames.TryWrite(frame.ToJsonElement());
                return ValueTask.CompletedTask;
            });
        _ = client._connection.Completion.ContinueWith(
            _ => frames.TryComplete(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        client.Welcome = await client.NextAsync(f => f.GetProperty("type").GetString() == "welcome", TimeSpan.FromSeconds(30));
        return client;
    }

    public async Task<JsonElement> PostAsync(string path, object body)
    {
        using var response = await _http.PostAsJsonAsync(path, body);
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<JsonElement> GetAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public Task SendAsync(object frame) =>
        _connection!.SendTextFrameAsync(JsonSerializer.SerializeToUtf8Bytes(frame));

    /// <summary>The next frame matching <paramref name="predicate"/>; frames before it are dropped.</summary>
    public async Task<JsonElement> NextAsync(Func<JsonElement, bool> predicate, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        while (true)
        {
            var frame = await _frames.Reader.ReadAsync(cancel.Token);
            if (predicate(frame))
            {
                return frame;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        _http.Dispose();
    }
}
