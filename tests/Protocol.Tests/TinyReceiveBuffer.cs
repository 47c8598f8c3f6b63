using System.Net.Sockets;

namespace OrleansChat.ProtocolTests;

/// <summary>
/// HTTP connections with a 4 KiB socket receive buffer: a client that reads slowly or not at all fills it within a few
/// frames, so the server's writes queue up behind it at once instead of after the kernel's default megabytes.
/// </summary>
internal static class TinyReceiveBuffer
{
    public static HttpMessageInvoker NewInvoker() => new(new SocketsHttpHandler { ConnectCallback = ConnectAsync });

    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = 4096 };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
