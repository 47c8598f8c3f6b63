using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace OrleansChat.PushWorker.Tests;

/// <summary>A request as a stand-in received it.</summary>
public sealed record RecordedRequest(string Path, string Protocol, IReadOnlyDictionary<string, string> Headers, byte[] Body, int Status)
{
    public string Text => Encoding.UTF8.GetString(Body);

    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
}

/// <summary>
/// Google's token endpoint, the FCM v1 API and a Web Push service on one loopback port (HTTP/1.1), and APNs on
/// another (HTTP/2 cleartext with prior knowledge). It records every request and answers by the device token's
/// prefix: <c>unregistered-</c> 404 UNREGISTERED (APNs: <c>gone-</c> 410), <c>flaky-</c> 503 twice then 200,
/// <c>throttled-</c> 429 with Retry-After 120 once then 200, <c>down-</c> always 503, <c>held-</c> holds its first
/// request until the client gives up; anything else 200.
/// </summary>
public sealed class ProviderStandIn : IAsyncDisposable
{
    public const int ThrottleSeconds = 120;

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _fcm = new();
    private readonly ConcurrentQueue<RecordedRequest> _apns = new();
    private readonly ConcurrentQueue<RecordedRequest> _webPush = new();
    private readonly ConcurrentQueue<IReadOnlyDictionary<string, string>> _tokenRequests = new();
    private readonly ConcurrentDictionary<string, int> _attempts = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _accepted = new();
    private int _tokensIssued;
    private int _revokedUpTo;

    private ProviderStandIn(WebApplication app) => _app = app;

    public Uri HttpBase { get; private set; } = null!;

    public Uri Http2Base { get; private set; } = null!;

    public Uri TokenUri => new(HttpBase, "token");

    /// <summary>Completes when a <c>held-</c> request arrives.</summary>
    public TaskCompletionSource HeldRequestArrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<RecordedRequest> FcmRequests => [.. _fcm];

    public IReadOnlyList<RecordedRequest> ApnsRequests => [.. _apns];

    public IReadOnlyList<RecordedRequest> WebPushRequests => [.. _webPush];

    /// <summary>The form fields of each token request.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> TokenRequests => [.. _tokenRequests];

    /// <summary>Every access token issued so far is refused from now on.</summary>
    public void RevokeIssuedTokens() => Volatile.Write(ref _revokedUpTo, Volatile.Read(ref _tokensIssued));

    public IReadOnlyList<RecordedRequest> FcmRequestsFor(string deviceToken) =>
        [.. _fcm.Where(r => r.Json.GetProperty("message").GetProperty("token").GetString() == deviceToken)];

    /// <summary>Completes when FCM has accepted a notification for <paramref name="deviceToken"/>.</summary>
    public Task FcmAccepted(string deviceToken) => Accepted(deviceToken).Task;

    private TaskCompletionSource Accepted(string deviceToken) =>
        _accepted.GetOrAdd(deviceToken, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public static async Task<ProviderStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1);
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2);
        });
        var app = builder.Build();
        var standIn = new ProviderStandIn(app);
        app.MapPost("/token", (Delegate)standIn.IssueTokenAsync);
        app.MapPost("/v1/projects/{project}/{action}", standIn.FcmSendAsync);
        app.MapPost("/3/device/{token}", standIn.ApnsSendAsync);
        app.MapPost("/webpush/{id}", standIn.WebPushAsync);
        await app.StartAsync();

        var addresses = app.Urls.Select(u => new Uri(u)).ToList();
        var ports = addresses.Select(a => a.Port).ToList();

        // Listen order is kept: the first is HTTP/1.1, the second HTTP/2.
        standIn.HttpBase = new Uri($"http://127.0.0.1:{ports[0]}/");
        standIn.Http2Base = new Uri($"http://127.0.0.1:{ports[1]}/");
        return standIn;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task<IResult> IssueTokenAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync();
        _tokenRequests.Enqueue(form.ToDictionary(f => f.Key, f => f.Value.ToString()));
        var number = Interlocked.Increment(ref _tokensIssued);
        return Results.Json(new Dictionary<string, object> { ["access_token"] = $"access-{number}", ["token_type"] = "Bearer", ["expires_in"] = 3600 });
    }

    private async Task FcmSendAsync(HttpContext context, string action)
    {
        var body = await ReadBodyAsync(context.Request);
        var authorization = context.Request.Headers.Authorization.ToString();
        var tokenNumber = authorization.StartsWith("Bearer access-", StringComparison.Ordinal) && int.TryParse(authorization["Bearer access-".Length..], out var n) ? n : 0;
        string deviceToken;
        try
        {
            deviceToken = JsonDocument.Parse(body).RootElement.GetProperty("message").GetProperty("token").GetString() ?? "";
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException)
        {
            deviceToken = "";
        }

        int status;
        if (action != "messages:send")
        {
            status = 404;
        }
        else if (tokenNumber == 0 || tokenNumber <= Volatile.Read(ref _revokedUpTo))
        {
            status = 401;
        }
        else
        {
            status = await AnswerAsync(context, deviceToken, "unregistered-");
        }

        _fcm.Enqueue(Record(context, body, status));
        if (status == 200)
        {
            Accepted(deviceToken).TrySetResult();
        }

        context.Response.StatusCode = status;
        if (status == 404)
        {
            await context.Response.WriteAsJsonAsync(new
            {
                error = new
                {
                    code = 404,
                    message = "Requested entity was not found.",
                    status = "NOT_FOUND",
                    details = new object[] { new Dictionary<string, string> { ["@type"] = "type.googleapis.com/google.firebase.fcm.v1.FcmError", ["errorCode"] = "UNREGISTERED" } },
                },
            });
        }
        else if (status == 200)
        {
            await context.Response.WriteAsJsonAsync(new { name = $"projects/test/messages/{Guid.NewGuid():N}" });
        }
    }

    private async Task ApnsSendAsync(HttpContext context, string token)
    {
        var body = await ReadBodyAsync(context.Request);
        var status = await AnswerAsync(context, token, "gone-");
        _apns.Enqueue(Record(context, body, status));
        context.Response.StatusCode = status;
        if (status == 410)
        {
            await context.Response.WriteAsJsonAsync(new { reason = "Unregistered", timestamp = 1_700_000_000_000 });
        }
        else if (status == 200)
        {
            context.Response.Headers["apns-id"] = Guid.NewGuid().ToString();
        }
    }

    private async Task WebPushAsync(HttpContext context, string id)
    {
        var body = await ReadBodyAsync(context.Request);
        var status = await AnswerAsync(context, id, "gone-");
        status = status switch
        {
            200 => 201,
            404 => 410,
            _ => status,
        };
        _webPush.Enqueue(Record(context, body, status));
        context.Response.StatusCode = status;
    }

    /// <summary>The status for a request to <paramref name="deviceToken"/>, by its prefix and how often it was tried.</summary>
    private async Task<int> AnswerAsync(HttpContext context, string deviceToken, string gonePrefix)
    {
        var attempt = _attempts.AddOrUpdate(deviceToken, 1, (_, count) => count + 1);
        if (deviceToken.StartsWith(gonePrefix, StringComparison.Ordinal))
        {
            return gonePrefix == "gone-" ? 410 : 404;
        }

        if (deviceToken.StartsWith("flaky-", StringComparison.Ordinal))
        {
            return attempt <= 2 ? 503 : 200;
        }

        if (deviceToken.StartsWith("throttled-", StringComparison.Ordinal) && attempt == 1)
        {
            context.Response.Headers.RetryAfter = ThrottleSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return 429;
        }

        if (deviceToken.StartsWith("down-", StringComparison.Ordinal))
        {
            return 503;
        }

        if (deviceToken.StartsWith("held-", StringComparison.Ordinal) && attempt == 1)
        {
            HeldRequestArrived.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
            }

            return 499;
        }

        return 200;
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    private static RecordedRequest Record(HttpContext context, byte[] body, int status) =>
        new(
            context.Request.Path.Value ?? "",
            context.Request.Protocol,
            context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()),
            body,
            status);

    /// <summary>A service-account key file like Google's, with a fresh RSA key, whose token_uri is this stand-in.</summary>
    public string WriteServiceAccountFile(string directory, out RSA key)
    {
        key = RSA.Create(2048);
        var path = Path.Combine(directory, "service-account.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["type"] = "service_account",
            ["project_id"] = "orleanschat-test",
            ["private_key_id"] = "key-1",
            ["private_key"] = key.ExportPkcs8PrivateKeyPem(),
            ["client_email"] = "push@orleanschat-test.iam.gserviceaccount.com",
            ["client_id"] = "1234567890",
            ["auth_uri"] = "https://accounts.google.com/o/oauth2/auth",
            ["token_uri"] = TokenUri.AbsoluteUri,
        }));
        return path;
    }

    internal static byte[] FromBase64Url(string text) => Base64Url.DecodeFromChars(text);
}
