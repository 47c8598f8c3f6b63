using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using Microsoft.Playwright;

namespace OrleansChat.BrowserTests;

/// <summary>
/// The page's WebSocket to the real server, passed through Playwright's WebSocket routing: a test reads the frames the
/// page writes, puts frames of its own in front of the page as if the server wrote them, and may change the server's.
/// </summary>
public sealed partial class RoutedSocket
{
    private readonly Channel<JsonObject> _written = Channel.CreateUnbounded<JsonObject>();
    private IWebSocketRoute? _page;

    /// <summary>Changes a frame of the server's on its way to the page (null: as it is).</summary>
    public Func<JsonObject, JsonObject>? FromServer { get; set; }

    /// <summary>Routes the page's sockets to /ws from now on: route before the page connects.</summary>
    public static async Task<RoutedSocket> RouteAsync(IPage page)
    {
        var routed = new RoutedSocket();
        await page.RouteWebSocketAsync(SocketAddress(), routed.Attach);
        return routed;
    }

    /// <summary>Makes every WebSocket to /ws fail before its welcome, as a proxy that blocks them does.</summary>
    public static Task BlockAsync(IPage page) =>
        page.RouteWebSocketAsync(SocketAddress(), socket => _ = socket.CloseAsync());

    /// <summary>A frame to the page, as if the server sent it.</summary>
    public void Send(object frame) => (_page ?? throw new InvalidOperationException("The page has no socket yet.")).Send(JsonSerializer.Serialize(frame));

    /// <summary>The next frame the page writes that matches.</summary>
    public async Task<JsonObject> WrittenAsync(Func<JsonObject, bool> predicate)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        while (true)
        {
            var frame = await _written.Reader.ReadAsync(timeout.Token);
            if (predicate(frame))
            {
                return frame;
            }
        }
    }

    private void Attach(IWebSocketRoute page)
    {
        _page = page;
        var server = page.ConnectToServer();
        page.OnMessage(frame =>
        {
            var text = frame.Text ?? "";
            _written.Writer.TryWrite(JsonNode.Parse(text)!.AsObject());
            server.Send(text);
        });
        server.OnMessage(frame =>
        {
            var text = frame.Text ?? "";
            page.Send(FromServer is { } change ? change(JsonNode.Parse(text)!.AsObject()).ToJsonString() : text);
        });
    }

    [GeneratedRegex(@"/ws\?")]
    private static partial Regex SocketAddress();
}
