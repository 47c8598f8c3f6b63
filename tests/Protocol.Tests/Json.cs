using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace OrleansChat.ProtocolTests;

/// <summary>Reading frames and REST bodies without ceremony.</summary>
public static class FrameExtensions
{
    public static string Type(this JsonElement frame) => frame.Text("type");

    public static string Text(this JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new Xunit.Sdk.XunitException($"expected a string '{name}' in {json}");

    public static string? TextOrNull(this JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static long Number(this JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            ? value.GetInt64()
            : throw new Xunit.Sdk.XunitException($"expected a number '{name}' in {json}");

    public static bool Flag(this JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : throw new Xunit.Sdk.XunitException($"expected a boolean '{name}' in {json}");

    public static bool IsNull(this JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Null;

    public static JsonElement[] Items(this JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? [.. value.EnumerateArray()]
            : throw new Xunit.Sdk.XunitException($"expected an array '{name}' in {json}");

    public static string[] Members(this JsonElement chat) =>
        [.. chat.Items("members").Select(m => m.GetString()!).Order(StringComparer.Ordinal)];

    public static bool Is(this JsonElement frame, string type, string? chatId = null) =>
        frame.TextOrNull("type") == type && (chatId is null || frame.TextOrNull("chatId") == chatId);

    public static bool IsError(this JsonElement frame, string code) =>
        frame.TextOrNull("type") == "error" && frame.TextOrNull("code") == code;

    public static Task<string> ReadTextAsync(this HttpResponseMessage response) =>
        response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}

/// <summary>Assertions on the shapes PROTOCOL.md fixes.</summary>
public static partial class Expect
{
    public static void IsoUtcMillis(string value) =>
        Assert.Matches(IsoUtcMillisPattern(), value);

    public static void UuidV7(string value) =>
        Assert.Matches(UuidV7Pattern(), value);

    public static void ChatId(string value) =>
        Assert.Matches(ChatIdPattern(), value);

    public static void Error(JsonElement frame, string code, string? reference = null)
    {
        Assert.True(frame.IsError(code), $"expected an error '{code}', got {frame}");
        Assert.False(string.IsNullOrEmpty(frame.Text("message")));
        if (reference is not null)
        {
            Assert.Equal(reference, frame.TextOrNull("ref"));
        }
    }

    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(body);
        var problem = document.RootElement.Clone();
        Assert.Equal(code, problem.Text("code"));
        if (problem.TryGetProperty("status", out _))
        {
            Assert.Equal((int)status, problem.Number("status"));
        }
        return problem;
    }

    public static async Task<JsonElement> StatusAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        if (body.Length == 0)
        {
            return default;
        }
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")]
    private static partial Regex IsoUtcMillisPattern();

    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")]
    private static partial Regex UuidV7Pattern();

    [GeneratedRegex("^[A-Za-z0-9_.:-]{1,100}$")]
    private static partial Regex ChatIdPattern();
}
