using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OrleansChat.Client;

namespace OrleansChat.AttachBench;

/// <summary>Something files are uploaded to and downloaded from; each call streams the file and times nothing itself.</summary>
internal interface IFileTarget
{
    string Name { get; }

    /// <summary>Uploads the file and answers what to download it by.</summary>
    Task<string> UploadAsync(string path, CancellationToken cancellationToken);

    /// <summary>Downloads a file whole, reading every byte; answers how many there were.</summary>
    Task<long> DownloadAsync(string id, CancellationToken cancellationToken);
}

/// <summary>OrleansChat through its .NET client: <c>POST /api/v1/attachments</c>, <c>GET /api/v1/attachments/{id}</c>.</summary>
internal sealed class OrleansChatTarget(Uri server, string signingKey) : IFileTarget
{
    private static readonly JsonWebTokenHandler Tokens = new();

    private readonly ChatClient _client = Client(server, Token(signingKey));

    public string Name => "orleanschat";

    public async Task<string> UploadAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = OpenRead(path);
        var attachment = await _client.UploadAttachmentAsync(file, Path.GetFileName(path), cancellationToken: cancellationToken);
        return attachment.AttachmentId;
    }

    public async Task<long> DownloadAsync(string id, CancellationToken cancellationToken)
    {
        await using var download = await _client.OpenAttachmentAsync(id, cancellationToken: cancellationToken);
        return await Drain.ReadAllAsync(download.Content, cancellationToken);
    }

    internal static FileStream OpenRead(string path) => new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, useAsync: true);

    private static ChatClient Client(Uri server, string token) =>
        new(new ChatClientOptions { Server = server, AccessTokenProvider = _ => ValueTask.FromResult(token) });

    // One user and one token for the whole run: an upload may be downloaded by its uploader alone until a message
    // carries it, and minting a token per call would add client work to the timings.
    private static string Token(string key) => Tokens.CreateToken(new SecurityTokenDescriptor
    {
        Claims = new Dictionary<string, object> { ["sub"] = "attachbench" },
        IssuedAt = DateTime.UtcNow.AddMinutes(-1),
        NotBefore = DateTime.UtcNow.AddMinutes(-1),
        Expires = DateTime.UtcNow.AddHours(2),
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
    });
}

/// <summary>The bare Kestrel file peer (<c>loadtest/peers/FilePeer</c>): <c>POST /upload</c>, <c>GET /files/{name}</c>.</summary>
internal sealed class FilePeerTarget(Uri peer) : IFileTarget
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler()) { Timeout = Timeout.InfiniteTimeSpan };

    public string Name => "file-peer";

    public async Task<string> UploadAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = OrleansChatTarget.OpenRead(path);
        using var form = new MultipartFormDataContent();
        var part = new StreamContent(file, 128 * 1024);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(part, "file", Path.GetFileName(path));
        using var response = await Http.PostAsync(new Uri(peer, "/upload"), form, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return answer.RootElement.GetProperty("name").GetString()!;
    }

    public async Task<long> DownloadAsync(string id, CancellationToken cancellationToken)
    {
        using var response = await Http.GetAsync(new Uri(peer, $"/files/{id}"), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await Drain.ReadAllAsync(body, cancellationToken);
    }
}

internal static class Drain
{
    public static async Task<long> ReadAllAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[128 * 1024];
        long total = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            total += read;
        }

        return total;
    }
}
