namespace OrleansChat.Client;

/// <summary>Where a <see cref="ChatClient"/> connects, how it authenticates, and how it retries.</summary>
public sealed class ChatClientOptions
{
    /// <summary>The server's address (<c>https://chat.example.com</c>); the client opens <c>/ws</c> on it.</summary>
    public required Uri Server { get; set; }

    /// <summary>A valid token for each connection attempt (tokens expire: ask for a fresh one each time).</summary>
    public required Func<CancellationToken, ValueTask<string>> AccessTokenProvider { get; set; }

    /// <summary>Sends the token in the query, as a browser must, instead of the <c>Authorization</c> header.</summary>
    public bool TokenInQuery { get; set; }

    /// <summary>The HTTP stack to connect through; null uses the default.</summary>
    public HttpMessageInvoker? Invoker { get; set; }

    /// <summary>The first reconnect waits about this long; each failed attempt doubles it, up to <see cref="MaxReconnectDelay"/>.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Messages per chat per <c>sync</c> page (the server allows at most 500).</summary>
    public int SyncLimit { get; set; } = 100;

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// The wait before reconnect attempt <paramref name="attempt"/> (0 first): exponential, capped, and drawn at
    /// random from its upper half so that clients dropped together do not come back together.
    /// </summary>
    public TimeSpan ReconnectDelayFor(int attempt)
    {
        var ceiling = Math.Min(MaxReconnectDelay.TotalMilliseconds, ReconnectDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30)));
        return TimeSpan.FromMilliseconds(ceiling / 2 + Random.Shared.NextDouble() * ceiling / 2);
    }

    internal Uri WebSocketUri => new UriBuilder(Server)
    {
        Scheme = Server.Scheme is "https" or "wss" ? "wss" : "ws",
        Path = "/ws",
        Query = "",
    }.Uri;
}
