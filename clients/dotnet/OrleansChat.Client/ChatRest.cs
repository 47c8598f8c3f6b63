using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace OrleansChat.Client;

/// <summary>
/// The client's REST calls under <c>/api/v1</c> (PROTOCOL.md 4): each with a fresh token, answers read as they arrive
/// (never buffered whole), and problem details surfaced as <see cref="ChatErrorException"/> with their code and status.
/// </summary>
internal sealed class ChatRest(ChatClientOptions options)
{
    // One pool of connections for every client that brings no invoker of its own; connections are renewed so that a
    // changed DNS entry is followed.
    private static readonly Lazy<HttpMessageInvoker> SharedInvoker = new(
        () => new HttpMessageInvoker(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) }));

    private HttpMessageInvoker Invoker => options.Invoker ?? SharedInvoker.Value;

    public Uri Address(string path) => new(options.Server, $"/api/v1/{path}");

    /// <summary>Sends a request with the bearer token; a non-success answer throws and is disposed.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var token = await options.AccessTokenProvider(cancellationToken).ConfigureAwait(false);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await Invoker.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await ErrorAsync(request, response, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads a JSON answer whole (answers read this way are small: records, not files).</summary>
    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
            return document.RootElement.Clone();
        }
    }

    private static async Task<ChatErrorException> ErrorAsync(HttpRequestMessage request, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        string? code = null, detail = null;
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var problem = JsonDocument.Parse(body);
            if (problem.RootElement.ValueKind == JsonValueKind.Object)
            {
                code = Text(problem.RootElement, "code");
                detail = Text(problem.RootElement, "detail") ?? Text(problem.RootElement, "title");
            }
        }
        catch (JsonException)
        {
            // Not problem details (a proxy's page, say): the status alone says what happened.
        }

        var retryAfterMs = response.Headers.RetryAfter?.Delta is { } delta ? (long)delta.TotalMilliseconds : (long?)null;
        return new ChatErrorException(
            code ?? CodeFor(response.StatusCode),
            detail ?? $"{request.Method} {request.RequestUri?.AbsolutePath} was answered with {status.ToString(CultureInfo.InvariantCulture)}",
            retryAfterMs,
            status);
    }

    private static string? Text(JsonElement problem, string name) =>
        problem.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>PROTOCOL.md 3.4's code for a status whose answer carried none.</summary>
    private static string CodeFor(HttpStatusCode status) => status switch
    {
        HttpStatusCode.Unauthorized => "unauthorized",
        HttpStatusCode.Forbidden => "forbidden",
        HttpStatusCode.NotFound => "not_found",
        HttpStatusCode.RequestEntityTooLarge => "too_large",
        HttpStatusCode.TooManyRequests => "rate_limited",
        HttpStatusCode.ServiceUnavailable => "unavailable",
        >= HttpStatusCode.InternalServerError => "internal",
        _ => "bad_request",
    };
}
