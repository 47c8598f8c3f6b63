namespace OrleansChat.Client;

/// <summary>How a <see cref="ChatConnection"/> connects and how long it waits.</summary>
public sealed class ChatConnectionOptions
{
    /// <summary>The JWT bearer token (PROTOCOL.md 2); null connects without one.</summary>
    public string? AccessToken { get; set; }

    /// <summary>Sends the token as the <c>access_token</c> query parameter, as a browser must, instead of the header.</summary>
    public bool TokenInQuery { get; set; }

    /// <summary>The HTTP stack to connect through (source addresses, socket options); null uses the default.</summary>
    public HttpMessageInvoker? Invoker { get; set; }

    /// <summary>The handshake and the <c>welcome</c> together.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a request (<c>send</c>, <c>sync</c>, <c>ping</c>) waits for its reply.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The clock of <see cref="RequestTimeout"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>WebSocket-level pings; null keeps the platform default. The protocol has its own <c>ping</c>.</summary>
    public TimeSpan? KeepAliveInterval { get; set; }

    /// <summary>The receive buffer a connection starts with; it grows, from the shared pool, for larger frames.</summary>
    public int ReceiveBufferBytes { get; set; } = 4096;

    /// <summary>A server frame larger than this ends the connection.</summary>
    public int MaxFrameBytes { get; set; } = 16 * 1024 * 1024;
}
