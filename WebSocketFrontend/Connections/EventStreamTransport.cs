using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace OrleansChat.Gateway.Connections;

/// <summary>
/// The server-sent-events framing (PROTOCOL.md 10): each frame one event, <c>event: </c> its <c>type</c> and
/// <c>data: </c> its whole JSON, then a blank line; <see cref="Heartbeat"/> is written as a comment line. A session ends
/// by ending the response; the client cannot send anything, so there is no closing handshake to wait for.
/// </summary>
public sealed class EventStreamTransport(HttpContext context) : IFrameTransport
{
    /// <summary>Queued like a frame so that the one writer writes it between frames: a comment line, which keeps the stream (and any proxy) awake.</summary>
    public static readonly byte[] Heartbeat = [];

    private static ReadOnlySpan<byte> TypePrefix => "{\"type\":\""u8;

    private static ReadOnlySpan<byte> EventField => "event: "u8;

    private static ReadOnlySpan<byte> DataField => "\ndata: "u8;

    private static ReadOnlySpan<byte> EventEnd => "\n\n"u8;

    private static ReadOnlySpan<byte> Comment => ": heartbeat\n\n"u8;

    /// <summary>Writes the event to the response's pipe; <see cref="FlushAsync"/> sends what the batch wrote.</summary>
    public ValueTask SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        var writer = context.Response.BodyWriter;
        if (frame.Length == 0)
        {
            writer.Write(Comment);
        }
        else
        {
            // Frames are written by Frames with no line breaks (JSON escapes them in strings), so one data line holds one.
            writer.Write(EventField);
            writer.Write(TypeOf(frame.Span));
            writer.Write(DataField);
            writer.Write(frame.Span);
            writer.Write(EventEnd);
        }

        return ValueTask.CompletedTask;
    }

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        var flushed = await context.Response.BodyWriter.FlushAsync(cancellationToken);
        if (flushed.IsCompleted || flushed.IsCanceled)
        {
            throw new IOException("The event stream's client went away.");
        }
    }

    /// <summary>Nothing more is written: the session's end is the response's end, which the endpoint returns to.</summary>
    public Task CloseAsync(CloseCode code, string reason, CancellationToken cancellationToken) => Task.CompletedTask;

    public void Abort() => context.Abort();

    public bool IsDisconnect(Exception exception) => exception is IOException;

    /// <summary>The frame's <c>type</c>: every frame begins with it, so it is found without parsing, and read properly otherwise.</summary>
    internal static ReadOnlySpan<byte> TypeOf(ReadOnlySpan<byte> frame)
    {
        if (frame.StartsWith(TypePrefix))
        {
            var rest = frame[TypePrefix.Length..];
            var end = rest.IndexOfAny((byte)'"', (byte)'\\');
            if (end > 0 && rest[end] == (byte)'"')
            {
                return rest[..end];
            }
        }

        return TypeByReading(frame);
    }

    private static ReadOnlySpan<byte> TypeByReading(ReadOnlySpan<byte> frame)
    {
        var reader = new Utf8JsonReader(frame);
        if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isType = reader.ValueTextEquals("type"u8);
                if (!reader.Read())
                {
                    break;
                }

                if (isType && reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped)
                {
                    return reader.ValueSpan;
                }

                reader.Skip();
            }
        }

        return "message"u8;
    }
}
