namespace OrleansChat.Gateway.Connections;

/// <summary>
/// How a connection's frames reach its client: one framing of the protocol's JSON frames (WebSocket today; a
/// server-sent-events stream is a second one, DESIGN.md 7a). The connection's queue calls it from its single writer,
/// a batch at a time: <see cref="SendAsync"/> for each frame already queued, then <see cref="FlushAsync"/> once, so
/// that the frames reach the client together rather than one flush each.
/// </summary>
public interface IFrameTransport
{
    /// <summary>
    /// Adds one whole frame to the batch; it may be held until <see cref="FlushAsync"/>, so its bytes must not change
    /// before then (queued frames are never changed). Each frame stays a frame of its own on the wire.
    /// </summary>
    ValueTask SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken);

    /// <summary>Writes what the batch holds and flushes it to the client; the next <see cref="SendAsync"/> begins a new batch.</summary>
    ValueTask FlushAsync(CancellationToken cancellationToken);

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
