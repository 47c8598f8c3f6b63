using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace OrleansChat.ProtocolTests;

/// <summary>A user of a test: their id, a valid token, REST calls and sockets on their behalf.</summary>
public sealed class ChatUser(ChatServer server, string id)
{
    public string Id => id;

    public string Token { get; } = server.Tokens.For(id);

    public override string ToString() => id;

    public Task<ChatSocket> ConnectAsync() => server.ConnectAsync(Token);

    public Task<HttpResponseMessage> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public Task<HttpResponseMessage> PostAsync(string path, object body) => SendAsync(HttpMethod.Post, path, body);

    public Task<HttpResponseMessage> DeleteAsync(string path) => SendAsync(HttpMethod.Delete, path);

    /// <summary>Calls <c>/api/v1/{path}</c>; a string body is sent as it is, anything else as JSON.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null, string? token = null)
    {
        using var request = Request(method, server.Api(path), body);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token ?? Token);
        return await server.SendAsync(request);
    }

    public static HttpRequestMessage Request(HttpMethod method, Uri uri, object? body)
    {
        var request = new HttpRequestMessage(method, uri);
        if (body is not null)
        {
            var json = body as string ?? JsonSerializer.Serialize(body);
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }
        return request;
    }

    public async Task<JsonElement> CreateGroupAsync(string title, params ChatUser[] members)
    {
        using var response = await PostAsync("chats", new { title, members = members.Select(m => m.Id).ToArray() });
        return await Expect.StatusAsync(response, HttpStatusCode.Created);
    }

    public async Task<string> CreateGroupIdAsync(params ChatUser[] members) =>
        (await CreateGroupAsync("Team", members)).Text("chatId");

    public async Task<JsonElement> OpenDirectChatAsync(ChatUser other)
    {
        using var response = await PostAsync("chats/direct", new { userId = other.Id });
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Created, $"direct chat: {(int)response.StatusCode}");
        return await response.ReadJsonAsync();
    }

    public async Task<JsonElement> AddMemberAsync(string chatId, ChatUser member)
    {
        using var response = await PostAsync($"chats/{Escape(chatId)}/members", new { userId = member.Id });
        return await Expect.StatusAsync(response, HttpStatusCode.OK);
    }

    public async Task RemoveMemberAsync(string chatId, ChatUser member)
    {
        using var response = await DeleteAsync($"chats/{Escape(chatId)}/members/{Escape(member.Id)}");
        await Expect.StatusAsync(response, HttpStatusCode.NoContent);
    }

    public async Task<JsonElement> GetChatAsync(string chatId)
    {
        using var response = await GetAsync($"chats/{Escape(chatId)}");
        return await Expect.StatusAsync(response, HttpStatusCode.OK);
    }

    public async Task<JsonElement> PostMessageAsync(string chatId, string content, string? clientMsgId = null)
    {
        using var response = await PostAsync($"chats/{Escape(chatId)}/messages",
            new { clientMsgId = clientMsgId ?? Guid.NewGuid().ToString(), content });
        return await Expect.StatusAsync(response, HttpStatusCode.Created);
    }

    public async Task<JsonElement> GetMessagesAsync(string chatId, string query = "")
    {
        using var response = await GetAsync($"chats/{Escape(chatId)}/messages{query}");
        return await Expect.StatusAsync(response, HttpStatusCode.OK);
    }

    public async Task<JsonElement> MyChatAsync(string chatId)
    {
        using var response = await GetAsync("me/chats");
        var body = await Expect.StatusAsync(response, HttpStatusCode.OK);
        return body.Items("chats").Single(c => c.Text("chatId") == chatId);
    }

    public static string Escape(string segment) => Uri.EscapeDataString(segment);
}
