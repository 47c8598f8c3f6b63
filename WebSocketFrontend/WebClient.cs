using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace OrleansChat.Gateway;

/// <summary>
/// The browser client (<c>wwwroot</c>: HTML, CSS and ES modules, no build step) served at <c>/</c>.
/// The files are embedded in this assembly, so whichever process hosts the gateway, the Silo or a
/// gateway of its own, serves the same client without a wwwroot folder of its own.
/// </summary>
public static partial class WebClient
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
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;

                // The assets carry no version in their names: browsers revalidate (ETag) so a new server never meets an old client.
                headers.CacheControl = "no-cache";

                // The client is files of this origin only (no inline script or style), and holds a token: nothing else may
                // run in it, frame it, or learn its address.
                headers.ContentSecurityPolicy = ContentSecurityPolicy(context.Context.Request);
                headers.XFrameOptions = "DENY";
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
            },
        });
        return app;
    }

    /// <summary>
    /// The page opens <c>/ws</c> on its own host. Older browsers do not count ws: and wss: as 'self', so they are
    /// named; both, since behind a TLS proxy the request this server sees says http where the page says https.
    /// </summary>
    private static string ContentSecurityPolicy(HttpRequest request)
    {
        var host = request.Host.Value;
        var sockets = host is not null && SafeHost().IsMatch(host) ? $" ws://{host} wss://{host}" : "";
        return $"default-src 'self'; script-src 'self'; connect-src 'self'{sockets}; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";
    }

    // A Host header is the client's to write: only a plain host[:port] goes into the policy.
    [GeneratedRegex(@"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?$")]
    private static partial Regex SafeHost();
}
