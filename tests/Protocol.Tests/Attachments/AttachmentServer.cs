using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using SkiaSharp;

namespace OrleansChat.ProtocolTests.Attachments;

/// <summary>A server of its own whose uploads are limited to 1 MiB, so that limits are passed with small bodies.</summary>
public sealed class AttachmentServerFixture : IAsyncLifetime
{
    public const long MaxBytes = 1024 * 1024;

    public ChatServer Server { get; private set; } = null!;

    public string Folder => Path.Combine(Server.DataDirectory, "attachments");

    public async ValueTask InitializeAsync() => Server = await ChatServer.StartAsync(null, $"Attachments:MaxBytes={MaxBytes}");

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();

    /// <summary>Every file under the attachments folder, partial ones included.</summary>
    public string[] StoredFiles() => Directory.Exists(Folder) ? [.. Directory.EnumerateFiles(Folder).Order(StringComparer.Ordinal)] : [];

    public async Task<HttpResponseMessage> UploadAsync(ChatUser user, byte[] bytes, string fileName, string contentType = "application/octet-stream")
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        form.Add(file, "file", fileName);
        return await PostAsync(user, form);
    }

    public async Task<HttpResponseMessage> PostAsync(ChatUser user, HttpContent content)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Server.Api("attachments")) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
        return await Server.SendAsync(request);
    }

    public async Task<HttpResponseMessage> GetAsync(ChatUser user, string path, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Server.Api(path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
        configure?.Invoke(request);
        return await Server.SendAsync(request);
    }

    /// <summary>Opens a plain TCP connection to the server and writes a request head, for bodies no HTTP client would send.</summary>
    public async Task<NetworkStream> OpenRawAsync(ChatUser user, string boundary, long contentLength)
    {
        var client = new TcpClient();
        await client.ConnectAsync(Server.BaseAddress.Host, Server.BaseAddress.Port, TestContext.Current.CancellationToken);
        var stream = client.GetStream();
        var head = $"POST /api/v1/attachments HTTP/1.1\r\nHost: {Server.BaseAddress.Authority}\r\nAuthorization: Bearer {user.Token}\r\n" +
                   $"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {contentLength}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), TestContext.Current.CancellationToken);
        return new NetworkStream(client.Client, ownsSocket: true);
    }
}

[CollectionDefinition(Name)]
public sealed class AttachmentServer : ICollectionFixture<AttachmentServerFixture>
{
    public const string Name = "attachment server";
}

/// <summary>Real images, drawn and encoded with SkiaSharp, and multipart bodies written byte by byte.</summary>
internal static class Samples
{
    public static byte[] Image(int width, int height, SKEncodedImageFormat format = SKEncodedImageFormat.Png)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.SteelBlue);
            using var paint = new SKPaint { Color = SKColors.Orange };
            canvas.DrawCircle(width / 2f, height / 2f, Math.Min(width, height) / 3f, paint);
        }

        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, 90);
        return data.ToArray();
    }

    public static byte[] Pdf() => Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

    /// <summary>The start of a 64-bit x86 ELF executable.</summary>
    public static byte[] Elf() => [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0x3E, 0, 1, 0, 0, 0, .. new byte[4000]];

    public static byte[] Text(int length) => Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("lorem ipsum\n", length / 12 + 1)))[..length];

    /// <summary>The start of a multipart body up to a file part's bytes.</summary>
    public static byte[] PartHead(string boundary, string name = "file", string fileName = "notes.txt") => Encoding.ASCII.GetBytes(
        $"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{fileName}\"\r\nContent-Type: text/plain\r\n\r\n");

    public static byte[] Close(string boundary) => Encoding.ASCII.GetBytes($"\r\n--{boundary}--\r\n");
}
