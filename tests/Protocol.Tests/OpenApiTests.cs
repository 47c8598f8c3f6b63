using System.Net;
using System.Text.Json;

namespace OrleansChat.ProtocolTests;

/// <summary>PROTOCOL.md 4 as a document: <c>/openapi/v1.json</c> describes every REST route with its shapes.</summary>
[Collection(SharedServer.Name)]
public sealed class OpenApiTests(ChatServerFixture fixture)
{
    private static readonly string[] Chat = ["chatId", "type", "title", "ownerId", "members", "createdAt", "lastSeq", "readSeq", "unreadCount", "mentionCount", "muted", "mutedUntil", "receipts"];

    private static readonly string[] Job = ["jobId", "chatId", "seq", "status", "attempts", "provider", "partial", "resultSeq", "error", "createdAt", "updatedAt"];

    /// <summary>Each row of PROTOCOL.md 4: the call, the body's fields, and each success status with its answer's fields.</summary>
    public static TheoryData<string, string, string[]?, (int Status, string[]? Fields)[]> Section4Routes => new()
    {
        { "get", "/api/v1/me/chats", null, [(200, ["chats"])] },
        { "post", "/api/v1/chats", ["title", "members"], [(201, Chat)] },
        { "post", "/api/v1/chats/direct", ["userId"], [(200, Chat), (201, Chat)] },
        { "get", "/api/v1/chats/{chatId}", null, [(200, Chat)] },
        { "post", "/api/v1/chats/{chatId}/members", ["userId"], [(200, Chat)] },
        { "delete", "/api/v1/chats/{chatId}/members/{userId}", null, [(204, null)] },
        { "get", "/api/v1/chats/{chatId}/messages", null, [(200, ["messages", "hasMore"])] },
        { "post", "/api/v1/chats/{chatId}/messages", ["clientMsgId", "content", "kind", "target", "replyTo", "remove", "attachments"], [(201, ["chatId", "clientMsgId", "messageId", "seq", "sentAt", "jobId"])] },
        { "post", "/api/v1/devices", ["platform", "token"], [(201, ["deviceId"])] },
        { "delete", "/api/v1/devices/{deviceId}", null, [(204, null)] },
        { "put", "/api/v1/chats/{chatId}/settings", ["muted", "mutedUntil"], [(200, ["muted", "mutedUntil"])] },
        { "get", "/api/v1/me/blocks", null, [(200, ["userIds"])] },
        { "put", "/api/v1/me/blocks/{userId}", null, [(204, null)] },
        { "delete", "/api/v1/me/blocks/{userId}", null, [(204, null)] },
        { "get", "/api/v1/search", null, [(200, ["results", "next"])] },
        { "post", "/api/v1/chats/{chatId}/typing", ["state"], [(204, null)] },
        { "post", "/api/v1/chats/{chatId}/read", ["seq"], [(204, null)] },
        { "post", "/api/v1/chats/{chatId}/delivered", ["seq"], [(204, null)] },
        { "post", "/api/v1/sync", ["chats", "limit"], [(200, ["chats"])] },
        { "post", "/api/v1/jobs", ["chatId", "clientMsgId", "content"], [(202, ["jobId", "status", "chatId", "seq", "messageId"])] },
        { "get", "/api/v1/jobs/{jobId}", null, [(200, Job)] },
        { "delete", "/api/v1/jobs/{jobId}", null, [(200, Job)] },
    };

    private static readonly string[] AttachmentRoutes =
        ["post /api/v1/attachments", "get /api/v1/attachments/{attachmentId}", "get /api/v1/attachments/{attachmentId}/thumbnail"];

    [Theory]
    [MemberData(nameof(Section4Routes))]
    public async Task The_openapi_document_describes_each_rest_route_with_its_request_answer_and_problem_shapes(
        string method, string path, string[]? requestFields, (int Status, string[]? Fields)[] answers)
    {
        var document = await ReadDocumentAsync();

        Assert.True(document.GetProperty("paths").TryGetProperty(path, out var route), $"no {path} in the document");
        Assert.True(route.TryGetProperty(method, out var operation), $"no {method} {path} in the document");
        if (requestFields is null)
        {
            Assert.False(operation.TryGetProperty("requestBody", out _));
        }
        else
        {
            var body = operation.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
            Assert.Equal(requestFields, PropertyNames(document, body));
        }

        var responses = operation.GetProperty("responses");
        foreach (var (status, fields) in answers)
        {
            Assert.True(responses.TryGetProperty(status.ToString(), out var answer), $"no {status} answer for {method} {path}");
            if (fields is null)
            {
                Assert.False(answer.TryGetProperty("content", out _));
            }
            else
            {
                Assert.Equal(fields, PropertyNames(document, answer.GetProperty("content").GetProperty("application/json").GetProperty("schema")));
            }
        }

        // Every call may be refused (401) or fail (500, 503), each answered as problem details with PROTOCOL.md's code.
        foreach (var status in new[] { "401", "500", "503" })
        {
            var problem = responses.GetProperty(status).GetProperty("content").GetProperty("application/problem+json").GetProperty("schema");
            Assert.Equal(["type", "title", "status", "detail", "instance", "code", "traceId", "retryAfterMs"], PropertyNames(document, problem));
        }
    }

    [Fact]
    public async Task The_openapi_document_lists_the_rest_routes_and_nothing_else()
    {
        var document = await ReadDocumentAsync();

        var calls = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(method => $"{method.Name} {path.Name}"))
            .Order(StringComparer.Ordinal);

        var expected = Section4Routes.Select(row => $"{row.Data.Item1} {row.Data.Item2}")
            .Append("post /api/v1/auth/dev-token")  // the shared server turns development tokens on
            .Concat(AttachmentRoutes)                 // PROTOCOL.md 7: a multipart upload and byte downloads
            .Append("get /api/v1/events")             // PROTOCOL.md 10: an event stream, not JSON
            .Order(StringComparer.Ordinal);
        Assert.Equal(expected, calls);
    }

    [Fact]
    public async Task The_history_query_is_described_as_three_integers()
    {
        var document = await ReadDocumentAsync();

        var parameters = document.GetProperty("paths").GetProperty("/api/v1/chats/{chatId}/messages").GetProperty("get").GetProperty("parameters")
            .EnumerateArray().Where(p => p.Text("in") == "query")
            .Select(p => (p.Text("name"), p.GetProperty("schema").Text("type")));

        Assert.Equal([("afterSeq", "integer"), ("beforeSeq", "integer"), ("limit", "integer")], parameters);
    }

    /// <summary>Served without a token: it holds no data, only the shapes PROTOCOL.md publishes.</summary>
    private async Task<JsonElement> ReadDocumentAsync()
    {
        using var response = await fixture.Server.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return await response.ReadJsonAsync();
    }

    /// <summary>The property names of a schema, following <c>$ref</c> into the document's components.</summary>
    private static string[] PropertyNames(JsonElement document, JsonElement schema)
    {
        if (schema.TryGetProperty("$ref", out var reference))
        {
            var name = reference.GetString()!["#/components/schemas/".Length..];
            schema = document.GetProperty("components").GetProperty("schemas").GetProperty(name);
        }

        return [.. schema.GetProperty("properties").EnumerateObject().Select(p => p.Name)];
    }
}
