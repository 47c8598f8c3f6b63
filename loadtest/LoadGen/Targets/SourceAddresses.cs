using System.Net;
using System.Net.Sockets;

namespace OrleansChat.LoadGen.Targets;

/// <summary>
/// Spreads outgoing connections over several loopback source addresses (127.0.1.1, 127.0.1.2, ...), each with its own
/// ephemeral port range, so one machine can open more connections to one server port than one address has ports.
/// One <see cref="HttpMessageInvoker"/> per address; connections take them round-robin.
/// </summary>
public sealed class SourceAddresses : IDisposable
{
    // Linux IP_BIND_ADDRESS_NO_PORT: bind() picks the port at connect(), so ports are shared across destinations.
    private const int IpBindAddressNoPort = 24;

    private readonly HttpMessageInvoker[] _invokers;
    private int _next;

    /// <param name="count">How many addresses; 0 lets the system choose (127.0.0.1).</param>
    /// <param name="first">The index of the first address, so several generator processes use different ones.</param>
    public SourceAddresses(int count, int first = 0)
    {
        Addresses = count <= 0
            ? [null]
            : [.. Enumerable.Range(first, count).Select(i => (IPAddress?)new IPAddress([127, 0, (byte)(1 + i / 250), (byte)(1 + i % 250)]))];
        _invokers = [.. Addresses.Select(a => new HttpMessageInvoker(CreateHandler(a)))];
    }

    public IReadOnlyList<IPAddress?> Addresses { get; }

    /// <summary>The invoker of the next address, round-robin.</summary>
    public HttpMessageInvoker Next() => _invokers[(int)((uint)Interlocked.Increment(ref _next) % _invokers.Length)];

    public void Dispose()
    {
        foreach (var invoker in _invokers)
        {
            invoker.Dispose();
        }
    }

    private static SocketsHttpHandler CreateHandler(IPAddress? local) => new()
    {
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        ConnectTimeout = TimeSpan.FromSeconds(30),
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                if (local is not null)
                {
                    if (OperatingSystem.IsLinux())
                    {
                        socket.SetRawSocketOption((int)SocketOptionLevel.IP, IpBindAddressNoPort, BitConverter.GetBytes(1));
                    }

                    socket.Bind(new IPEndPoint(local, 0));
                }

                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}
