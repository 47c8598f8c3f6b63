namespace OrleansChat.Gateway.Connections;

/// <summary>
/// How a connection's frames reach its client: one framing of the protocol's JSON frames (WebSocket today; a
/// server-sent-events stream is a second one, DESIGN.md 7a). The connection's queue calls it from its single writer.
/// </summary>
public interface IFrameTransport
{
    /// <summary>Writes one whole frame.</summary>
    ValueTask SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken);

    /// <summary>Ends the stream with <paramref name="code"/>, if the client is still there to hear it.</summary>
    Task CloseAsync(CloseCode code, string reason, CancellationToken cancellationToken);

    /// <summary>Cuts the client off at once, without a closing handshake.</summary>
    void Abort();

    /// <summary>Whether <paramref name="exception"/>, thrown by this transport, means the client is gone rather than a fault.</summary>
    bool IsDisconnect(Exception exception);
}

/// <summary>Why a connection ends (PROTOCOL.md 3.4). The numbers are the WebSocket close codes the protocol names.</summary>
public enum CloseCode
{
    Normal = 1000,
    ShuttingDown = 1001,
    PolicyViolation = 1008,
    TooLarge = 1009,
    ServerError = 1011,

    /// <summary>A client that does not read what is sent to it.</summary>
    SlowConsumer = 4008,
}
