using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace OrleansChat.ProtocolTests;

/// <summary>One item of an event stream as it came: an event (its <c>event:</c> name and <c>data:</c> text) or a comment line.</summary>
public sealed record StreamItem(string? Event, string? Data, string? Comment)
{
    public JsonElement Json => JsonDocument.Parse(Data ?? throw new Xunit.Sdk.XunitException("a comment has no data")).RootElement.Clone();

    public bool IsEvent(string type, string? chatId = null) => Event == type && (chatId is null || Json.TextOrNull("chatId") == chatId);
}

/// <summary>
/// The tests' client of <c>GET /api/v1/events</c> over real HTTP: reads the stream line by line as a browser's
/// <c>EventSource</c> would, and keeps what it has read but not been asked for in an inbox, in order.
/// </summary>
public sealed class EventSource : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<StreamItem> _items = Channel.CreateUnbounded<StreamItem>();
    private readonly List<StreamItem> _inbox = [];
    private readonly Task _reader;

    private EventSource(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _reader = ReadAsync(body);
    }

    public HttpResponseMessage Response => _response;

    /// <summary>The first event, which must be <c>welcome</c>.</summary>
    public JsonElement Welcome { get; private set; }

    /// <summary>Opens the stream with the token in the header (or, with <paramref name="queryToken"/>, as <c>access_token</c>).</summary>
    public static async Task<EventSource> OpenAsync(ChatServer server, string token, bool queryToken = false)
    {
        var response = await SendAsync(server, token, "text/event-stream", queryToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new Xunit.Sdk.XunitException($"the event stream answered {(int)response.StatusCode}: {await response.ReadTextAsync()}");
        }

        var stream = new EventSource(response, await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
        var welcome = await stream.ReceiveAsync();
        Assert.Equal("welcome", welcome.Event);
        stream.Welcome = welcome.Json;
        return stream;
    }

    /// <summary>The request as it is, its headers read, its body left unread.</summary>
    public static async Task<HttpResponseMessage> SendAsync(ChatServer server, string? token, string? accept, bool queryToken = false)
    {
        var uri = server.Api("events");
        if (queryToken && token is not null)
        {
            uri = new UriBuilder(uri) { Query = $"access_token={Uri.EscapeDataString(token)}" }.Uri;
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (!queryToken && token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }

        using var timeout = new CancellationTokenSource(ChatSocket.DefaultTimeout);
        return await server.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
    }

    /// <summary>The next item, event or comment.</summary>
    public Task<StreamItem> ReceiveAsync(TimeSpan? timeout = null) => ReceiveUntilAsync(_ => true, timeout);

    /// <summary>The first event of a type (in a chat, matching a condition); other items stay in the inbox.</summary>
    public async Task<JsonElement> ReceiveAsync(string type, string? chatId = null, Func<JsonElement, bool>? where = null, TimeSpan? timeout = null) =>
        (await ReceiveUntilAsync(i => i.IsEvent(type, chatId) && (where is null || where(i.Json)), timeout)).Json;

    /// <summary>The first item, oldest first, that matches; items that don't match stay in the inbox.</summary>
    public async Task<StreamItem> ReceiveUntilAsync(Func<StreamItem, bool> predicate, TimeSpan? timeout = null)
    {
        var index = _inbox.FindIndex(i => predicate(i));
        if (index >= 0)
        {
            var found = _inbox[index];
            _inbox.RemoveAt(index);
            return found;
        }

        using var deadline = new CancellationTokenSource(timeout ?? ChatSocket.DefaultTimeout);
        while (true)
        {
            StreamItem item;
            try
            {
                item = await _items.Reader.ReadAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no matching item in time; unconsumed: [{string.Join(", ", _inbox)}]");
            }
            catch (ChannelClosedException)
            {
                throw new Xunit.Sdk.XunitException($"the stream ended; unconsumed: [{string.Join(", ", _inbox)}]");
            }

            if (predicate(item))
            {
                return item;
            }

            _inbox.Add(item);
        }
    }

    /// <summary>Waits until the server ends the stream; returns what came before its end.</summary>
    public async Task<IReadOnlyList<StreamItem>> ReceiveEndAsync(TimeSpan? timeout = null)
    {
        var items = new List<StreamItem>(_inbox);
        _inbox.Clear();
        using var deadline = new CancellationTokenSource(timeout ?? ChatSocket.DefaultTimeout);
        await foreach (var item in _items.Reader.ReadAllAsync(deadline.Token))
        {
            items.Add(item);
        }

        return items;
    }

    /// <summary>Drops the connection, as a client that goes away does.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _response.Dispose();
        try
        {
            await _reader.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or HttpRequestException)
        {
        }

        _stop.Dispose();
    }

    private async Task ReadAsync(Stream body)
    {
        try
        {
            using var reader = new StreamReader(body, Encoding.UTF8);
            string? eventName = null;
            var data = new StringBuilder();
            var hasData = false;
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                if (line.Length == 0)
                {
                    if (hasData || eventName is not null)
                    {
                        await _items.Writer.WriteAsync(new StreamItem(eventName, data.ToString(), null));
                    }

                    (eventName, hasData) = (null, false);
                    data.Clear();
                }
                else if (line.StartsWith(':'))
                {
                    await _items.Writer.WriteAsync(new StreamItem(null, null, line[1..].TrimStart()));
                }
                else if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    eventName = line["event: ".Length..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    data.Append(hasData ? "\n" : "").Append(line["data: ".Length..]);
                    hasData = true;
                }
                else
                {
                    throw new Xunit.Sdk.XunitException($"a line that is no event field: {line}");
                }
            }
        }
        finally
        {
            _items.Writer.TryComplete();
        }
    }
}
