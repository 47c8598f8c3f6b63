using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.FileProviders;

namespace OrleansChat.BrowserTests;

/// <summary>
/// The gateway serves the client itself: <c>/</c> and its assets, from the files embedded in its assembly. Checked over
/// HTTP alone, so they run where no browser is installed.
/// </summary>
public sealed partial class ServingTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const int MaxModuleLines = 200;

    [Theory]
    [InlineData("/", "text/html")]
    [InlineData("/index.html", "text/html")]
    [InlineData("/js/chat-client.js", "text/javascript")]
    [InlineData("/js/app.js", "text/javascript")]
    [InlineData("/css/app.css", "text/css")]
    [InlineData("/favicon.svg", "image/svg+xml")]
    public async Task The_client_is_served_with_its_content_type_and_revalidated(string path, string contentType)
    {
        using var http = new HttpClient { BaseAddress = fixture.BaseAddress };
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoCache, "the client's files are revalidated on every load");
        Assert.NotEqual(0, response.Content.Headers.ContentLength ?? (await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken)).Length);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/index.html")]
    [InlineData("/js/app.js")]
    [InlineData("/css/app.css")]
    public async Task The_client_is_served_with_browser_security_headers(string path)
    {
        using var http = new HttpClient { BaseAddress = fixture.BaseAddress };
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);

        var host = fixture.BaseAddress.Authority;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(
            $"default-src 'self'; script-src 'self'; connect-src 'self' ws://{host} wss://{host}; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'",
            Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    [Fact]
    public async Task Every_module_of_the_client_is_imported_from_the_page_served_as_JavaScript_and_at_most_200_lines()
    {
        using var http = new HttpClient { BaseAddress = fixture.BaseAddress };
        var page = await http.GetStringAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken);
        var entry = Assert.Single(EntryModule().Matches(page)).Groups["name"].Value;

        // Follows the imports from the page's entry module, as the browser does.
        var reached = new SortedSet<string>(StringComparer.Ordinal);
        var toFetch = new Queue<string>([entry]);
        while (toFetch.TryDequeue(out var name))
        {
            if (!reached.Add(name))
            {
                continue;
            }

            using var response = await http.GetAsync(new Uri($"/js/{name}", UriKind.Relative), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
            var source = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            var lines = source.TrimEnd('\n').Split('\n').Length;
            Assert.True(lines <= MaxModuleLines, $"js/{name} has {lines} lines; a module of the client has at most {MaxModuleLines}");
            foreach (Match import in ImportedModule().Matches(source))
            {
                toFetch.Enqueue(import.Groups["name"].Value);
            }
        }

        // What the gateway embeds under js/ is exactly what the page loads: no module left behind by a split.
        var embedded = new ManifestEmbeddedFileProvider(typeof(OrleansChat.Gateway.WebClient).Assembly, "wwwroot").GetDirectoryContents("js")
            .Select(file => file.Name)
            .Order(StringComparer.Ordinal);
        Assert.Equal(embedded, reached);
    }

    [Fact]
    public async Task A_file_that_is_not_there_is_not_found()
    {
        using var http = new HttpClient { BaseAddress = fixture.BaseAddress };
        using var response = await http.GetAsync(new Uri("/js/missing.js", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [GeneratedRegex("""<script type="module" src="js/(?<name>[a-z0-9-]+\.js)"></script>""")]
    private static partial Regex EntryModule();

    [GeneratedRegex("""^(?:import|export)\b[^;]*?\bfrom '\./(?<name>[a-z0-9-]+\.js)';""", RegexOptions.Multiline)]
    private static partial Regex ImportedModule();
}
