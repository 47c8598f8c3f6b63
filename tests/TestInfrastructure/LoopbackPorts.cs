using System.Net;
using System.Net.Sockets;

namespace OrleansChat.TestInfrastructure;

/// <summary>Ports on the loopback interface that nothing listens on at the moment of asking.</summary>
public static class LoopbackPorts
{
    /// <summary>A port the operating system just handed out and released again.</summary>
    public static int Free()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
