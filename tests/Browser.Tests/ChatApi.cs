using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace OrleansChat.BrowserTests;

/// <summary>A user on the REST API (PROTOCOL.md 4), to arrange what a test needs before the browser looks at it.</summary>
public sealed class ChatApi : IDisposable
{
    private readonly HttpClient _http;

    private ChatApi(HttpClient http) => _http = http;

    public static async Task<ChatApi> SignInAsync(Uri baseAddress, string userId)
    {
        var http = new HttpClient { BaseAddress = baseAddress };
        using var response = await http.PostAsJsonAsync("/api/v1/auth/dev-token", new { userId }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        var token = (await ReadAsync(response)).GetProperty("accessToken").GetString();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new ChatApi(http);
    }

    public async Task<string> CreateGroupAsync(string title, params string[] members)
    {
        using var response = await _http.PostAsJsonAsync("/api/v1/chats", new { title, members }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return (await ReadAsync(response)).GetProperty("chatId").GetString()!;
    }

    public async Task SendAsync(string chatId, string content)
    {
        using var response = await _http.PostAsJsonAsync(
            $"/api/v1/chats/{Uri.EscapeDataString(chatId)}/messages", new { clientMsgId = Guid.NewGuid().ToString(), content }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Sends a message or a change (PROTOCOL.md 6.1: <c>kind</c>, <c>target</c>, <c>remove</c>); returns its seq.</summary>
    public async Task<long> PostAsync(string chatId, object body)
    {
        using var response = await _http.PostAsJsonAsync($"/api/v1/chats/{Uri.EscapeDataString(chatId)}/messages", body, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return (await ReadAsync(response)).GetProperty("seq").GetInt64();
    }

    public void Dispose() => _http.Dispose();

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).Clone();
}
