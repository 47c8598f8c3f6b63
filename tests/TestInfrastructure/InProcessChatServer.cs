using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using OrleansChat.Silo;

namespace OrleansChat.TestInfrastructure;

/// <summary>
/// One real chat server (silo and gateway, built by <see cref="ChatApplication.Build"/> as the Silo starts) on
/// loopback: an HTTP port the OS picks, free Orleans silo and gateway ports, warnings-only logging. The caller owns
/// the data directory; this type never deletes it.
/// </summary>
public sealed class InProcessChatServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _stopped;

    private InProcessChatServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    /// <summary>The address the server's HTTP endpoint is bound to.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The server's services, its silo's among them (for looking inside the cluster, e.g. at its activations).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// Builds and starts a server over <paramref name="dataDirectory"/> that signs tokens with
    /// <paramref name="signingKey"/>; <paramref name="settings"/> are extra configuration keys ("Key=value") and
    /// <paramref name="configure"/>, when given, has the builder before the application is built.
    /// </summary>
    public static async Task<InProcessChatServer> StartAsync(
        string dataDirectory, string signingKey, IEnumerable<string>? settings = null, Action<WebApplicationBuilder>? configure = null)
    {
        // Free ports are only free when asked: when a test running beside this one took one meanwhile, try new ones.
        for (var attempt = 1; ; attempt++)
        {
            string[] args =
            [
                "--urls=http://127.0.0.1:0",
                $"--Storage:DataDirectory={dataDirectory}",
                $"--Orleans:SiloPort={LoopbackPorts.Free()}",
                $"--Orleans:GatewayPort={LoopbackPorts.Free()}",
                $"--Auth:SigningKey={signingKey}",
                "--Logging:LogLevel:Default=Warning",
                .. (settings ?? []).Select(s => $"--{s}"),
            ];
            var app = ChatApplication.Build(args, configure);
            try
            {
                await app.StartAsync();
            }
            catch (Exception ex) when (attempt < 3 && IsPortTaken(ex))
            {
                await app.DisposeAsync();
                continue;
            }

            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new InProcessChatServer(app, new Uri(address));
        }
    }

    private static bool IsPortTaken(Exception exception) => exception switch
    {
        System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse } => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsPortTaken),
        _ => exception.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase)
            || (exception.InnerException is { } inner && IsPortTaken(inner)),
    };

    /// <summary>Stops and disposes the server; later calls do nothing.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }
        _stopped = true;
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <inheritdoc cref="StopAsync"/>
    public async ValueTask DisposeAsync() => await StopAsync();
}
