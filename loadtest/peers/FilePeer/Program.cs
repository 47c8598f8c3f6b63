using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

// The ceiling for attachments on this machine: bare Kestrel, no auth, no checks, no hash. An upload's one multipart
// part is streamed to a file under --files (default a temporary directory) and answered with its name; files are
// served by the static-file middleware (which sends them with SendFileAsync) under /files/{name}.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = null);
var directory = builder.Configuration["files"] ?? Path.Combine(Path.GetTempPath(), $"filepeer-{Environment.ProcessId}");
Directory.CreateDirectory(directory);
var app = builder.Build();
app.MapGet("/health", () => "ok");
app.UseStaticFiles(new StaticFileOptions
{
    FileProvider = new PhysicalFileProvider(directory),
    RequestPath = "/files",
    ServeUnknownFileTypes = true,
});
app.MapPost("/upload", async (HttpContext context) =>
{
    var boundary = HeaderUtilities.RemoveQuotes(MediaTypeHeaderValue.Parse(context.Request.ContentType).Boundary).Value!;
    var reader = new MultipartReader(boundary, context.Request.Body);
    string? name = null;
    while (await reader.ReadNextSectionAsync(context.RequestAborted) is { } section)
    {
        name = $"{Guid.NewGuid():N}.bin";
        await using var file = new FileStream(
            Path.Combine(directory, name), FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true);
        await section.Body.CopyToAsync(file, 64 * 1024, context.RequestAborted);
    }

    return name is null ? Results.BadRequest() : Results.Created($"/files/{name}", new { name });
});
app.Run();
