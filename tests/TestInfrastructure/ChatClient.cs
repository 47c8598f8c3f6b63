using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Xunit;

namespace OrleansChat.TestInfrastructure;

/// <summary>
/// A user speaking PROTOCOL.md to one node (a silo serving the gateway, or a standalone gateway) from outside its
/// process: REST and one WebSocket, with a development token or one minted with the node's signing key.
/// </summary>
public sealed class ChatClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly Channel<JsonElement> _frames = Channel.CreateUnbounded<JsonElement>();
    private readonly HttpClient _http;
    private Task _receiving = Task.CompletedTask;

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
        return await OpenAsync(new ChatClient(userId, token, node), new UriBuilder(node) { Scheme = "ws", Path = "/ws", Query = "access_token=" + token }.Uri);
    }

    /// <summary>Connects with a token minted with <paramref name="signingKey"/>, as any issuer sharing the key would, in the header.</summary>
    public static async Task<ChatClient> ConnectAsync(string userId, Uri node, string signingKey)
    {
        var client = new ChatClient(userId, new Tokens(signingKey).For(userId), node);
        client._socket.Options.SetRequestHeader("Authorization", "Bearer " + client.Token);
        return await OpenAsync(client, new UriBuilder(node) { Scheme = "ws", Path = "/ws" }.Uri);
    }

    private static async Task<ChatClient> OpenAsync(ChatClient client, Uri socketUri)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await client._socket.ConnectAsync(socketUri, timeout.Token);
        client._receiving = client.ReceiveAsync();
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
        _socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(frame), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

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
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
        }

        await _receiving.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _socket.Dispose();
        _http.Dispose();
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[128 * 1024];
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var count = 0;
                WebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(new ArraySegment<byte>(buffer, count, buffer.Length - count), CancellationToken.None);
                    count += result.Count;
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                _frames.Writer.TryWrite(JsonDocument.Parse(Encoding.UTF8.GetString(buffer, 0, count)).RootElement.Clone());
            }
        }
        catch (WebSocketException)
        {
        }
        finally
        {
            _frames.Writer.TryComplete();
        }
    }
}
