using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace OrleansChat.Gateway;

/// <summary>
/// The browser client (<c>wwwroot</c>: HTML, CSS and ES modules, no build step) served at <c>/</c>.
/// The files are embedded in this assembly, so whichever process hosts the gateway, the Silo or a
/// gateway of its own, serves the same client without a wwwroot folder of its own.
/// </summary>
public static class WebClient
{
    private static readonly ManifestEmbeddedFileProvider Files = new(typeof(WebClient).Assembly, "wwwroot");

    /// <summary>Serves <c>/</c> (index.html) and the client's assets. Call before the gateway's endpoints.</summary>
    public static WebApplication UseChatWebClient(this WebApplication app)
    {
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = Files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = Files,
            ContentTypeProvider = new FileExtensionContentTypeProvider(),
            // The assets carry no version in their names: browsers revalidate (ETag) so a new server never meets an old client.
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = "no-cache",
        });
        return app;
    }
}
