using System.Net.Http.Headers;
using System.Text;
using OrleansChat.Client;

namespace OrleansChat.LoadGen.Targets;

/// <summary>
/// A receiving member on OrleansChat's event stream (<c>GET /api/v1/events</c>, PROTOCOL.md 10) instead of a WebSocket:
/// each <c>message</c> event's data is decoded as the WebSocket client decodes a frame. It only receives; a client on
/// events sends over REST, which the fanout scenario's receivers never do.
/// </summary>
public sealed class EventStreamClient : IChatClient
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    private EventStreamClient(HttpResponseMessage response, StreamReader reader)
    {
        _response = response;
        _reader = reader;
    }

    public bool IsOpen => !_loop.IsCompleted;

    /// <summary>Opens the stream and returns once its <c>welcome</c> has arrived (the user's chats are subscribed by then).</summary>
    public static async Task<EventStreamClient> ConnectAsync(
        Uri uri, string bearerToken, HttpMessageInvoker invoker, Action<ReceivedMessage> onMessage, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Accept.ParseAdd("text/event-stream");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        var response = await invoker.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            response.Dispose();
            throw new TargetException($"GET {uri.AbsolutePath} answered {(int)response.StatusCode}: {body}");
        }

        var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken), Encoding.UTF8);
        var client = new EventStreamClient(response, reader);
        while (await reader.ReadLineAsync(cancellationToken) is { } line && line != "event: welcome")
        {
        }

        client._loop = client.ReadAsync(onMessage);
        return client;
    }

    public Task<long> SendAsync(string chatId, string clientMsgId, string content, CancellationToken cancellationToken) =>
        throw new NotSupportedException("An event-stream member only receives.");

    public Task<long> SendAsync(string chatId, string clientMsgId, OutgoingMessage message, CancellationToken cancellationToken) =>
        throw new NotSupportedException("An event-stream member only receives.");

    /// <summary>The stream's own comment lines keep it alive; there is nothing to send.</summary>
    public Task PingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _response.Dispose();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or HttpRequestException)
        {
        }

        _reader.Dispose();
        _stop.Dispose();
    }

    private async Task ReadAsync(Action<ReceivedMessage> onMessage)
    {
        var isMessage = false;
        while (await _reader.ReadLineAsync(_stop.Token) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                isMessage = line.AsSpan(7).SequenceEqual("message");
            }
            else if (isMessage && line.StartsWith("data: ", StringComparison.Ordinal))
            {
                var frame = ServerFrame.Parse(Encoding.UTF8.GetBytes(line, 6, line.Length - 6));
                onMessage(new(frame.ChatId ?? "", frame.Seq, frame.Content ?? "", frame.Kind ?? MessageKinds.Text, frame.SenderId ?? ""));
            }
            else if (line.Length == 0)
            {
                isMessage = false;
            }
        }
    }
}
